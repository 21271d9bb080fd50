package io.stowage.cli;

import io.stowage.archiver.ArchiveAction;
import io.stowage.archiver.ArchiveListener;
import io.stowage.archiver.ArchiveTotals;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** A progress bar on stderr over the recordings' bytes (files, speed, ETA); silent without a terminal. */
final class ArchiveProgressBar implements ArchiveListener, AutoCloseable {
    private final boolean silent;
    private final AtomicLong files = new AtomicLong();
    private volatile ProgressBar bar;
    private volatile long total;
    private volatile Path output = Path.of("/nonexistent-output");
    private volatile Path trash = Path.of("/nonexistent-trash");

    ArchiveProgressBar(boolean quiet) {
        this.silent = quiet || System.console() == null;
    }

    @Override
    public void onStart(ArchiveTotals totals) {
        if (silent) {
            return;
        }
        total = totals.sources();
        bar = new ProgressBarBuilder().setTaskName("archive").setInitialMax(Math.max(1, totals.sourceBytes()))
                .setStyle(ProgressBarStyle.ASCII).setUnit("MiB", 1 << 20).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    /** Where the plan's output and trash are: their files are not recordings to count. */
    void roots(Path output, Path trash) {
        this.output = output;
        this.trash = trash;
    }

    @Override
    public void onActionDone(ArchiveAction a, boolean ok, String detail) {
        ProgressBar b = bar;
        if (b == null || !a.path().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4")
                || a.path().startsWith(output) || a.path().startsWith(trash)) {
            return;
        }
        boolean counts = switch (a.action()) {
            case TRANSCODE, SKIP -> true;
            case TRASH, DELETE -> a.reason().startsWith("already archived");
        };
        if (counts) {
            b.stepBy(a.bytes());
            b.setExtraMessage(files.incrementAndGet() + "/" + total + " files");
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
