package io.stowage.archiver;

import io.stowage.transcode.ProgressEvent;

/**
 * Receives the progress of {@link CameraArchiver#execute(ArchivePlan)}. Every method has an empty default; override
 * what you need. Called from the archiver's worker threads: implementations must be thread-safe and quick. An
 * exception thrown here is logged and ignored.
 *
 * <pre>{@code
 * CameraArchiver.builder(input).listener(new ArchiveListener() {
 *     public void onActionDone(ArchiveAction a, boolean ok, String detail) { System.err.println(a.describe()); }
 * }).build();
 * }</pre>
 */
public interface ArchiveListener {
    /** Once, before the first action, with the first pass's totals. */
    default void onStart(ArchiveTotals totals) {
    }

    /** An action starts. */
    default void onActionStart(ArchiveAction action) {
    }

    /** Progress of a running transcode. */
    default void onTranscodeProgress(ArchiveAction action, ProgressEvent event) {
    }

    /** An action ended: done ({@code ok}) or failed or skipped, with what happened in words. */
    default void onActionDone(ArchiveAction action, boolean ok, String detail) {
    }

    /** Once, at the end (also after an interruption). */
    default void onFinish(ArchiveReport report) {
    }

    /** A listener that ignores everything. */
    static ArchiveListener none() {
        return None.INSTANCE;
    }

    /**
     * The {@link #none()} listener: {@code ArchiveListener l = ArchiveListener.None.INSTANCE;} Stateless, so
     * thread-safe.
     */
    enum None implements ArchiveListener {
        INSTANCE
    }
}
