package io.stowage.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long work (speed, ETA), shown only when stderr is a terminal and the command is not
 * printing JSON; otherwise every call does nothing. Not thread-safe for {@link #close}; {@link #step} may be called
 * from any thread.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Starts a bar of {@code total} units (−1 when unknown), or a silent one when it should not show. */
    static Progress start(String task, long total, String unit, long unitSize, boolean json) {
        if (json || System.console() == null) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(unit, unitSize).showSpeed()
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .build();
        return new Progress(bar);
    }

    /** Sets the total once it is known (for a bar started with an unknown total); any thread. */
    void total(long total) {
        if (bar != null) {
            bar.maxHint(total);
        }
    }

    void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
