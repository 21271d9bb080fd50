package io.stowage.des.ingest;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} operations a second on average: {@link #delayNanos(int)} says how long to wait after
 * {@code n} operations so that the average stays under the limit. 0 means no limit. Not thread-safe.
 */
final class RateLimiter {
    private final double perSecond;
    private final LongSupplier nanoTime;
    private long nextFree;
    private boolean started;

    RateLimiter(double perSecond, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
    }

    /** Records {@code n} operations done now; returns the nanoseconds to wait before the next ones. */
    long delayNanos(int n) {
        if (perSecond <= 0 || n <= 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (!started || nextFree - now < 0) {
            nextFree = now;
            started = true;
        }
        nextFree += (long) (n * (TimeUnit.SECONDS.toNanos(1) / perSecond));
        return Math.max(0, nextFree - now);
    }
}
