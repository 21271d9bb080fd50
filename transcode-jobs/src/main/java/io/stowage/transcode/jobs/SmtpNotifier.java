package io.stowage.transcode.jobs;

import java.net.URI;
import java.util.Optional;

/** Email through SMTP with Jakarta Mail (Angus). Thread-safe: one Session, a new transport per message. */
final class SmtpNotifier implements Notifier {
    private final MailSettings settings;

    SmtpNotifier(MailSettings settings) {
        this.settings = settings;
    }

    @Override
    public void notify(JobView job, Optional<URI> link) {
        throw new UnsupportedOperationException("step 1: API only");
    }
}
