/** The queued transcoding service as plain Java: TranscodeService, TranscodeWorker, JobStore (Redis), Redis Streams queue, S3 raw/processed objects, presigned links, Notifier (SMTP). */
module io.stowage.transcode.jobs {
    requires org.slf4j;

    // exports io.stowage...: added with the first public class
}
