package io.stowage.transcode.jobs;

import java.net.URI;
import java.util.Optional;

/**
 * Tells a job's owner that it finished. The worker calls it once a job is COMPLETED (with a presigned link) or
 * FAILED, only when the job has an email address; a failure is retried ({@link TranscodeJobsConfig#notifyAttempts()})
 * and recorded on the job, never failing the job.
 *
 * <pre>{@code
 * Notifier n = Notifier.smtp(MailSettings.of(URI.create("smtp://127.0.0.1:25"), "transcode@example.com"));
 * TranscodeWorker.builder(config).s3(s3).notifier(n).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe: several worker threads call them at once.
 */
public interface Notifier {
    /**
     * Sends the notice for a finished job.
     *
     * @param job  the job as stored (state COMPLETED or FAILED; {@link JobView#email()} not null)
     * @param link the presigned download link for a COMPLETED job, empty for a FAILED one
     * @throws TranscodeJobsNotifyException when the notice could not be delivered
     */
    void notify(JobView job, Optional<URI> link);

    /** A notifier that sends nothing (jobs with an address record the notice as SENT). */
    static Notifier none() {
        return (job, link) -> { };
    }

    /** Email through SMTP (Jakarta Mail, Eclipse Angus): subject names the file and outcome; body has the link. */
    static Notifier smtp(MailSettings settings) {
        return new SmtpNotifier(settings);
    }
}
