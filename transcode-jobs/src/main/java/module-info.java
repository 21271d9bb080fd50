/**
 * The queued transcoding service as plain Java: {@link io.stowage.transcode.jobs.TranscodeService} (submit, status,
 * history, cancel, delete, download links), {@link io.stowage.transcode.jobs.TranscodeWorker} (Redis Streams
 * consumers that survive kill -9), {@link io.stowage.transcode.jobs.JobStore} (Redis hashes and per-user histories),
 * {@link io.stowage.transcode.jobs.Notifier} (SMTP through Jakarta Mail / Angus). S3 raw/processed objects through
 * s3-io. No HTTP: the service module adapts it.
 */
module io.stowage.transcode.jobs {
    requires transitive io.stowage.transcode;
    requires transitive io.stowage.s3;
    requires transitive micrometer.core;
    requires lettuce.core;
    requires jakarta.mail;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.stowage.transcode.jobs;
}
