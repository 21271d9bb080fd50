package io.stowage.sync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.stowage.s3.RetrySettings;

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
 * POSTs a session summary as JSON to a URL, with a timeout per request and retries with doubling pauses (a Failsafe
 * policy from s3-io's {@link RetrySettings}: connection errors, timeouts, 5xx, 408 and 429 are tried again, other 4xx
 * answers are final); a 2xx answer is success. Never throws for delivery problems: the {@link TriggerReport} says what happened, and
 * {@link SyncLedger#trigger} records it on the session.
 *
 * <pre>{@code
 * TriggerReport r = SyncTrigger.create(URI.create("http://hooks.local/done"), Duration.ofSeconds(10), 3)
 *         .send(ledger.session(42));
 * }</pre>
 *
 * <p>The body is the session's {@link SessionSummary}: {@code session_id, project, kind, bucket, prefix,
 * bucket_name, s3_prefix, source,
 * worker, status, total_files, files_uploaded, files_skipped, files_failed, bytes, bytes_skipped, started_at,
 * ended_at, duration_s}. Thread-safe.
 */
public final class SyncTrigger {
    private static final Logger LOG = LoggerFactory.getLogger(SyncTrigger.class);
    /** The longest pause between two attempts. */
    private static final Duration MAX_PAUSE = Duration.ofMinutes(1);
    private final URI url;
    private final Duration timeout;
    private final RetrySettings retry;
    private final HttpClient http;

    private SyncTrigger(URI url, Duration timeout, int attempts, Duration firstPause) {
        this.url = Objects.requireNonNull(url, "url");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (attempts < 1 || attempts > 20) {
            throw new IllegalArgumentException("trigger attempts " + attempts + " is outside 1..20");
        }
        this.retry = new RetrySettings(attempts, firstPause, MAX_PAUSE);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A trigger with a 500 ms pause before the second attempt, doubling after (at most a minute). */
    public static SyncTrigger create(URI url, Duration timeout, int attempts) {
        return new SyncTrigger(url, timeout, attempts, Duration.ofMillis(500));
    }

    /** The same trigger with another first pause between attempts (tests use short ones). */
    public SyncTrigger withFirstPause(Duration pause) {
        return new SyncTrigger(url, timeout, retry.maxAttempts(), pause);
    }

    /** What the attempts of one {@link #send} saw so far (its thread only). */
    private static final class Attempts {
        int made;
        Integer lastStatus;
        String lastError;
    }

    /** An attempt that was not accepted; {@code retryable}: sending it again may help. */
    private static final class Undelivered extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean retryable;

        Undelivered(boolean retryable) {
            super(null, null, false, false);
            this.retryable = retryable;
        }
    }

    /** Sends the summary of {@code session}; interrupting the thread stops between attempts. */
    public TriggerReport send(SessionInfo session) {
        byte[] body = SyncJson.bytes(SessionSummary.of(session));
        Attempts seen = new Attempts();
        RetryPolicy<TriggerReport> policy = retry.policy(e -> e instanceof Undelivered u && u.retryable);
        try {
            return Failsafe.with(policy).get(() -> attempt(body, seen));
        } catch (Undelivered e) {
            // the last attempt's status and error are in seen
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();   // interrupted in a pause: stop with what the attempts saw
            }
        }
        LOG.warn("trigger {} failed after {} attempt(s): {}", url, seen.made, seen.lastError);
        return new TriggerReport(url.toString(), TriggerReport.Status.FAILED, seen.made, seen.lastStatus,
                seen.lastError, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** One POST: the delivered report, or {@link Undelivered} with what went wrong noted in {@code seen}. */
    private TriggerReport attempt(byte[] body, Attempts seen) {
        int i = ++seen.made;
        boolean retryable;
        try {
            HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "stowage-sync")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            int status = resp.statusCode();
            seen.lastStatus = status;
            if (status / 100 == 2) {
                return new TriggerReport(url.toString(), TriggerReport.Status.DELIVERED, i, status, null,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS));
            }
            String text = resp.body() == null ? "" : resp.body().strip();
            seen.lastError = "HTTP " + status + (text.isEmpty() ? "" : ": "
                    + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
            // a 4xx other than 408/429: the receiver refuses this summary; sending it again will not help
            retryable = status / 100 != 4 || status == 408 || status == 429;
        } catch (HttpTimeoutException e) {
            seen.lastStatus = null;
            seen.lastError = "no answer within " + timeout.toMillis() + " ms";
            retryable = true;
        } catch (IOException e) {
            seen.lastStatus = null;
            seen.lastError = "cannot reach " + url + ": " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() + " (nothing listening there, or unreachable)" : e.getMessage());
            retryable = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            seen.lastError = "interrupted";
            retryable = false;
        }
        if (retryable && i < retry.maxAttempts()) {
            LOG.info("trigger {} attempt {}/{} failed ({}); trying again", url, i, retry.maxAttempts(),
                    seen.lastError);
        }
        throw new Undelivered(retryable);
    }
}
