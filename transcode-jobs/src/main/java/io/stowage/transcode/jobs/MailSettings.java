package io.stowage.transcode.jobs;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how {@link Notifier#smtp(MailSettings)} sends mail (Jakarta Mail through Eclipse Angus).
 *
 * <pre>{@code
 * MailSettings m = MailSettings.of(URI.create("smtp://127.0.0.1:3025"), "transcode@example.com")
 *         .withLogin("user", "secret").withStartTls(true);
 * }</pre>
 *
 * @param smtp     {@code smtp://host:port} (or {@code smtps://} for TLS from the start)
 * @param from     the sender address
 * @param username login name, null for none
 * @param password login password, null for none
 * @param startTls upgrade with STARTTLS (required when true)
 * @param timeout  connect, read and write timeout
 *
 * <p>Immutable, so thread-safe.
 */
public record MailSettings(URI smtp, String from, String username, String password, boolean startTls,
                           Duration timeout) {
    /** @throws TranscodeJobsInvalidConfigException for a URI that is not smtp(s)://host[:port] or an empty sender */
    public MailSettings {
        if (smtp == null || smtp.getHost() == null
                || !("smtp".equals(smtp.getScheme()) || "smtps".equals(smtp.getScheme()))) {
            throw new TranscodeJobsInvalidConfigException("smtp", smtp, "must be smtp://host:port or smtps://host:port");
        }
        if (from == null || !from.contains("@")) {
            throw new TranscodeJobsInvalidConfigException("mailFrom", from, "must be an email address");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new TranscodeJobsInvalidConfigException("mailTimeout", timeout, "must be positive");
        }
    }

    /** No login, no STARTTLS, 30 s timeout. */
    public static MailSettings of(URI smtp, String from) {
        return new MailSettings(smtp, from, null, null, false, Duration.ofSeconds(30));
    }

    public MailSettings withLogin(String user, String pass) {
        return new MailSettings(smtp, from, user, pass, startTls, timeout);
    }

    public MailSettings withStartTls(boolean v) {
        return new MailSettings(smtp, from, username, password, v, timeout);
    }

    public MailSettings withTimeout(Duration v) {
        return new MailSettings(smtp, from, username, password, startTls, v);
    }

    /** The port: the URI's, else 465 for smtps and 25 for smtp. */
    public int port() {
        return smtp.getPort() > 0 ? smtp.getPort() : "smtps".equals(smtp.getScheme()) ? 465 : 25;
    }

    @Override
    public String toString() {
        return "MailSettings[smtp=" + smtp + ", from=" + from + ", username=" + username
                + ", password=" + (password == null ? "none" : "****") + ", startTls=" + startTls
                + ", timeout=" + timeout + "]";
    }
}
