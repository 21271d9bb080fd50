package io.stowage.transcode.jobs;

/** The S3 keys of a job's raw input and output. Stateless, so thread-safe. */
final class ObjectKeys {
    private ObjectKeys() {
    }

    static String raw(TranscodeJobsConfig c, String user, JobId id, String safeName) {
        return c.rawPrefix() + user + "/" + id.value() + "/" + safeName;
    }

    /** The one output key of a job: {@code processed/{user}/{job}/{name without extension}.{preset extension}}. */
    static String output(TranscodeJobsConfig c, String user, JobId id, String safeName, String extension) {
        int dot = safeName.lastIndexOf('.');
        String base = dot > 0 ? safeName.substring(0, dot) : safeName;
        return c.processedPrefix() + user + "/" + id.value() + "/" + base + "." + extension;
    }
}
