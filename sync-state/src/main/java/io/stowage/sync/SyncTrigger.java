package io.stowage.sync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * POSTs a session summary as JSON to a URL, with a timeout per request and retries with doubling pauses; a 2xx
 * answer is success. Never throws for delivery problems: the {@link TriggerReport} says what happened, and
 * {@link SyncLedger#trigger} records it on the session.
 *
 * <pre>{@code
 * TriggerReport r = SyncTrigger.create(URI.create("http://hooks.local/done"), Duration.ofSeconds(10), 3)
 *         .send(ledger.session(42));
 * }</pre>
 *
 * <p>The body is the session's {@link SessionSummary}: {@code session_id, project, kind, bucket, prefix, source,
 * worker, status, total_files, files_uploaded, files_skipped, files_failed, bytes, bytes_skipped, started_at,
 * ended_at, duration_s}. Thread-safe.
 */
public final class SyncTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(SyncTrigger.class);
    private final URI url;
    private final Duration timeout;
    private final int attempts;
    private final Duration firstPause;
    private final HttpClient http;

    private SyncTrigger(URI url, Duration timeout, int attempts, Duration firstPause) {
        this.url = Objects.requireNonNull(url, "url");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (attempts < 1 || attempts > 20) {
            throw new IllegalArgumentException("trigger attempts " + attempts + " is outside 1..20");
        }
        this.attempts = attempts;
        this.firstPause = firstPause;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A trigger with a 500 ms pause before the second attempt, doubling after. */
    public static SyncTrigger create(URI url, Duration timeout, int attempts) {
        return new SyncTrigger(url, timeout, attempts, Duration.ofMillis(500));
    }

    /** The same trigger with another first pause between attempts (tests use short ones). */
    public SyncTrigger withFirstPause(Duration pause) {
        return new SyncTrigger(url, timeout, attempts, pause);
    }

    /** Sends the summary of {@code session}; interrupting the thread stops between attempts. */
    public TriggerReport send(SessionInfo session) {
        byte[] body = SyncJson.bytes(SessionSummary.of(session));
        Integer lastStatus = null;
        String lastError = null;
        int made = 0;
        Duration pause = firstPause;
        for (int i = 1; i <= attempts; i++) {
            made = i;
            try {
                HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "stowage-sync")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                lastStatus = resp.statusCode();
                if (lastStatus / 100 == 2) {
                    return new TriggerReport(url.toString(), TriggerReport.Status.DELIVERED, i, lastStatus, null,
                            Instant.now().truncatedTo(ChronoUnit.MILLIS));
                }
                String text = resp.body() == null ? "" : resp.body().strip();
                lastError = "HTTP " + lastStatus + (text.isEmpty() ? "" : ": "
                        + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
                if (lastStatus / 100 == 4 && lastStatus != 408 && lastStatus != 429) {
                    break;   // the receiver refuses this summary; sending it again will not help
                }
            } catch (HttpTimeoutException e) {
                lastStatus = null;
                lastError = "no answer within " + timeout.toMillis() + " ms";
            } catch (IOException e) {
                lastStatus = null;
                lastError = "cannot reach " + url + ": " + (e.getMessage() == null
                        ? e.getClass().getSimpleName() + " (nothing listening there, or unreachable)" : e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lastError = "interrupted";
                break;
            }
            if (i < attempts) {
                LOG.info("trigger {} attempt {}/{} failed ({}); trying again in {} ms", url, i, attempts, lastError,
                        pause.toMillis());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pause = pause.multipliedBy(2);
            }
        }
        LOG.warn("trigger {} failed after {} attempt(s): {}", url, made, lastError);
        return new TriggerReport(url.toString(), TriggerReport.Status.FAILED, made, lastStatus, lastError, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }
}
