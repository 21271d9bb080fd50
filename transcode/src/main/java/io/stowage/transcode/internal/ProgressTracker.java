package io.stowage.transcode.internal;

import io.stowage.transcode.ProgressEvent;
import io.stowage.transcode.TranscodeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Turns {@link ProgressBlock}s into {@link ProgressEvent}s for one job: percent from out_time against the expected
 * duration, never going backwards (also across encoder attempts), ETA from speed; and remembers when the work last
 * advanced, for stall detection.
 *
 * <p>Thread-safe: blocks arrive on a reader thread while the job thread reads {@link #nanosSinceAdvance()}.
 */
public final class ProgressTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);

    private final TranscodeListener listener;
    private final Duration expected;
    private final long startNanos;
    private volatile String encoder = "";
    private double maxPercent = 0;
    private volatile boolean endSeen;
    private volatile boolean anySeen;
    private volatile long firstEventNanos = -1;
    private volatile long lastAdvanceNanos;
    private long maxFrame = -1;
    private long maxOutUs = -1;
    private long maxSize = -1;

    public ProgressTracker(TranscodeListener listener, Duration expected) {
        this.listener = listener == null ? TranscodeListener.none() : listener;
        this.expected = expected;
        this.startNanos = System.nanoTime();
        this.lastAdvanceNanos = startNanos;
    }

    /** Starts a new ffmpeg run (an encoder attempt): stall clock and end flag reset, percent keeps its maximum. */
    public synchronized void newAttempt(String encoderName) {
        this.encoder = encoderName == null ? "" : encoderName;
        this.endSeen = false;
        this.maxFrame = -1;
        this.maxOutUs = -1;
        this.maxSize = -1;
        this.lastAdvanceNanos = System.nanoTime();
    }

    /** Called by the parser for each block. */
    public void accept(ProgressBlock b) {
        ProgressEvent event;
        synchronized (this) {
            long now = System.nanoTime();
            boolean advanced = false;
            if (b.frame() > maxFrame) {
                maxFrame = b.frame();
                advanced = true;
            }
            if (b.outTimeMicros() > maxOutUs) {
                maxOutUs = b.outTimeMicros();
                advanced = true;
            }
            if (b.totalSize() > maxSize) {
                maxSize = b.totalSize();
                advanced = true;
            }
            if (advanced || b.end()) {
                lastAdvanceNanos = now;
            }
            if (b.end()) {
                endSeen = true;
            }
            if (firstEventNanos < 0) {
                firstEventNanos = now;
            }
            anySeen = true;
            long outUs = Math.max(0, b.outTimeMicros());
            double percent;
            if (b.end()) {
                percent = 100;
            } else if (expected != null && !expected.isZero() && b.outTimeMicros() >= 0) {
                percent = Math.min(100.0, outUs / (expected.toNanos() / 1000.0) * 100.0);
            } else {
                percent = expected == null ? Double.NaN : maxPercent;
            }
            if (!Double.isNaN(percent)) {
                percent = Math.max(percent, maxPercent);
                maxPercent = percent;
            } else if (maxPercent > 0) {
                percent = maxPercent;
            }
            Duration eta = null;
            if (b.end()) {
                eta = Duration.ZERO;
            } else if (expected != null && b.speed() > 0 && b.outTimeMicros() >= 0) {
                double remainingMedia = Math.max(0, expected.toNanos() / 1e9 - outUs / 1e6);
                eta = Duration.ofMillis((long) (remainingMedia / b.speed() * 1000));
            }
            event = new ProgressEvent(percent, Duration.ofNanos(outUs * 1000), expected, Math.max(0, b.frame()),
                    b.fps(), b.speed(), b.totalSize(), eta, Duration.ofNanos(now - startNanos), encoder, b.end());
        }
        try {
            listener.onProgress(event);
        } catch (RuntimeException e) {
            LOG.warn("progress listener threw {}; ignored", e.toString());
        }
    }

    /** True once the current attempt reported {@code progress=end}. */
    public boolean endSeen() {
        return endSeen;
    }

    /** Nanoseconds since frames, media time or size last advanced (or since the attempt started). */
    public long nanosSinceAdvance() {
        return System.nanoTime() - lastAdvanceNanos;
    }

    /** Time from job start to the first progress event, or null if none yet. */
    public Duration timeToFirstEvent() {
        long f = firstEventNanos;
        return f < 0 ? null : Duration.ofNanos(f - startNanos);
    }

    /** True once any progress block arrived. */
    public boolean anySeen() {
        return anySeen;
    }
}
