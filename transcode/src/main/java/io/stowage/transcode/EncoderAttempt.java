package io.stowage.transcode;

/**
 * One encoder a job tried or skipped, in the order it happened.
 *
 * <p>{@code result.attempts().forEach(a -> log.info("{} {}", a.encoder(), a.outcome()));}
 *
 * @param encoder encoder name, e.g. {@code "h264_nvenc"}
 * @param hardware true for a hardware encoder
 * @param outcome what happened (the JSON field keeps this name)
 * @param detail why it was skipped or how it failed; {@code ""} when it was used
 *
 * <p>Immutable, so thread-safe.
 */
public record EncoderAttempt(String encoder, boolean hardware, Verdict outcome, String detail) {

    /** What happened with an encoder (a status, hence not a result type). */
    public enum Verdict {
        /** Not usable with this ffmpeg (not listed, or its trial encode failed); not tried for the job. */
        SKIPPED,
        /** Tried for the job and failed; the job went on with the next encoder. */
        FAILED,
        /** Produced the verified output. */
        USED
    }
}
