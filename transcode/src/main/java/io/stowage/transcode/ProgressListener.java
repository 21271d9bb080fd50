package io.stowage.transcode;

/**
 * Receives progress of a job. Called on the job's reader thread, in order, roughly twice a second; keep it fast.
 * An exception thrown here is logged and ignored: it never fails the job.
 *
 * <p>{@code TranscodeRequest.of(in, out, "h264").withListener(e -> bar.stepTo((long) e.percent()))}
 *
 * <p>Implementations must be safe to call from a thread other than the one that submitted the job.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = e -> { };

    /** Called for each progress report. */
    void onProgress(ProgressEvent event);
}
