package io.stowage.cli;

import io.stowage.transcode.ProgressEvent;
import io.stowage.transcode.TranscodeListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/**
 * A transcode progress bar on stderr (percent, speed, ETA, encoder), shown only when there is a terminal and the
 * command is not printing JSON; otherwise it ignores every event. Events may come from any thread.
 */
final class TranscodeProgressBar implements TranscodeListener, AutoCloseable {
    private final ProgressBar bar;
    private boolean closed;

    private TranscodeProgressBar(ProgressBar bar) {
        this.bar = bar;
    }

    static TranscodeProgressBar start(String task, boolean json) {
        if (json || System.console() == null) {
            return new TranscodeProgressBar(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(1000)
                .setStyle(ProgressBarStyle.ASCII).hideEta().setUnit("%", 10)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new TranscodeProgressBar(bar);
    }

    @Override
    public synchronized void onProgress(ProgressEvent e) {
        if (bar == null || closed) {
            return;
        }
        if (!Double.isNaN(e.percent())) {
            bar.stepTo(Math.round(e.percent() * 10));
        }
        StringBuilder extra = new StringBuilder(e.encoder());
        if (!Double.isNaN(e.speed())) {
            extra.append(String.format(Locale.ROOT, " %.2fx", e.speed()));
        }
        if (e.eta() != null) {
            long s = e.eta().toSeconds();
            extra.append(String.format(Locale.ROOT, " ETA %d:%02d:%02d", s / 3600, s / 60 % 60, s % 60));
        }
        bar.setExtraMessage(extra.toString());
    }

    @Override
    public synchronized void close() {
        if (bar != null && !closed) {
            closed = true;
            bar.close();
        }
    }
}
