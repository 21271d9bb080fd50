package io.stowage.cli;

import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferProgress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The upload/download progress bar on stderr (bytes, speed, ETA, files), shown only when stderr is a terminal and
 * the command is not printing JSON; otherwise it ignores every snapshot. Snapshots come from one timer thread.
 */
final class S3ProgressBar implements TransferListener, AutoCloseable {
    private final ProgressBar bar;

    private S3ProgressBar(ProgressBar bar) {
        this.bar = bar;
    }

    static S3ProgressBar start(String task, boolean json) {
        if (json || System.console() == null) {
            return new S3ProgressBar(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1L << 20).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new S3ProgressBar(bar);
    }

    @Override
    public synchronized void onProgress(TransferProgress p) {
        if (bar == null) {
            return;
        }
        if (p.scanComplete()) {
            bar.maxHint(p.bytesTotal());
        }
        bar.stepTo(p.bytesDone());
        bar.setExtraMessage(p.filesDone() + "/" + p.filesTotal() + (p.scanComplete() ? "" : "+") + " files"
                + (p.filesFailed() > 0 ? ", " + p.filesFailed() + " failed" : ""));
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
