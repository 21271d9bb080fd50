package io.stowage.transcode.jobs;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/** Email through SMTP with Jakarta Mail (Angus). Thread-safe: one Session, a new transport per message. */
final class SmtpNotifier implements Notifier {
    private final MailSettings settings;
    private final Session session;

    SmtpNotifier(MailSettings settings) {
        this.settings = settings;
        boolean ssl = "smtps".equals(settings.smtp().getScheme());
        String p = ssl ? "mail.smtps." : "mail.smtp.";
        Properties props = new Properties();
        props.put("mail.transport.protocol", ssl ? "smtps" : "smtp");
        props.put(p + "host", settings.smtp().getHost());
        props.put(p + "port", Integer.toString(settings.port()));
        String ms = Long.toString(settings.timeout().toMillis());
        props.put(p + "connectiontimeout", ms);
        props.put(p + "timeout", ms);
        props.put(p + "writetimeout", ms);
        if (settings.startTls()) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (settings.username() != null) {
            props.put(p + "auth", "true");
        }
        this.session = settings.username() == null ? Session.getInstance(props)
                : Session.getInstance(props, new jakarta.mail.Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(settings.username(), settings.password());
                    }
                });
    }

    @Override
    public void notify(JobView job, Optional<URI> link) {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(settings.from()));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(job.email(), true));
            m.setSentDate(new Date());
            boolean ok = job.state() == JobState.COMPLETED;
            m.setSubject((ok ? "Your video is ready: " : "Your video could not be converted: ") + job.originalName(),
                    StandardCharsets.UTF_8.name());
            StringBuilder body = new StringBuilder();
            body.append("File: ").append(job.originalName()).append('\n');
            body.append("Preset: ").append(job.preset()).append('\n');
            body.append("Job: ").append(job.id()).append('\n');
            body.append("State: ").append(job.state()).append('\n');
            if (ok) {
                link.ifPresent(u -> body.append("\nDownload: ").append(u).append('\n'));
            } else if (job.error() != null) {
                body.append("\nReason: ").append(job.error()).append('\n');
            }
            m.setText(body.toString(), StandardCharsets.UTF_8.name());
            Transport.send(m);
        } catch (MessagingException e) {
            throw new TranscodeJobsNotifyException(job.email(), e.getMessage(), e);
        }
    }
}
