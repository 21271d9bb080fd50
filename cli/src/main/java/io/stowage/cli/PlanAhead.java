package io.stowage.cli;

import io.stowage.archiver.ArchiveDay;
import io.stowage.archiver.ArchivePlan;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The days of a plan, read and planned on a second thread a few days ahead of the one that prints them: on two
 * cores the listing and planning of the next day overlap the writing of this one (the dry run of
 * benchmarks/compare/archive-plan.sh). At most {@link #AHEAD} days wait, so memory stays flat in the number of days.
 * An exception of the planning thread is rethrown by {@link #next()}. Iterate on one thread; {@link #close()} stops
 * the planning thread (a dry run interrupted by a signal).
 */
final class PlanAhead implements Iterator<ArchiveDay>, AutoCloseable {
    static final int AHEAD = 4;

    /** What the planning thread hands over: a day, the end, or its failure. */
    private record Item(ArchiveDay day, RuntimeException failure, boolean end) {
    }

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(AHEAD);
    private final Thread thread;
    private volatile boolean closed;
    private Item next;

    PlanAhead(ArchivePlan plan) {
        thread = new Thread(() -> produce(plan), "stowage-archive-plan");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(ArchivePlan plan) {
        Item last = new Item(null, null, true);
        try {
            for (ArchiveDay d : plan) {
                if (!put(new Item(d, null, false))) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            last = new Item(null, e instanceof RuntimeException re ? re : new IllegalStateException(e), true);
        }
        put(last);
    }

    /** Waits for room; false once closed. */
    private boolean put(Item i) {
        try {
            while (!closed) {
                if (queue.offer(i, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the plan", e);
            }
        }
        if (next.failure() != null) {
            throw next.failure();
        }
        return !next.end();
    }

    @Override
    public ArchiveDay next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ArchiveDay d = next.day();
        next = null;
        return d;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
