package io.stowage.transcode;

import io.stowage.transcode.internal.FfmpegProcess;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A submitted transcode: wait for it, or cancel it.
 *
 * <p>{@code TranscodeJob job = transcoder.submit(request); ... job.cancel(); job.await(); // throws
 * TranscodeCancelledException}
 *
 * <p>Thread-safe: any thread may cancel or wait.
 */
public final class TranscodeJob {
    private final TranscodeRequest request;
    private final CompletableFuture<TranscodeReport> future = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private volatile FfmpegProcess running;

    TranscodeJob(TranscodeRequest request) {
        this.request = request;
    }

    /** The request this job runs. */
    public TranscodeRequest request() {
        return request;
    }

    /**
     * Asks the job to stop: a queued job never starts; a running ffmpeg gets SIGTERM, then SIGKILL after the grace
     * period. Returns at once; {@link #await()} returns (throwing {@link TranscodeCancelledException}) once ffmpeg
     * has exited and the partial output is removed. No effect on a finished job.
     */
    public void cancel() {
        cancelRequested = true;
    }

    /** True once {@link #cancel()} was called. */
    public boolean isCancelRequested() {
        return cancelRequested;
    }

    /** True once the job succeeded or failed. */
    public boolean isDone() {
        return future.isDone();
    }

    /**
     * Waits for the verified result. If the waiting thread is interrupted, the job is cancelled and this throws
     * {@link TranscodeCancelledException} (with the interrupt flag set again).
     *
     * @throws TranscodeException the typed failure of the job
     */
    public TranscodeReport await() {
        try {
            return future.get();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(request.input(),
                    request.input() + ": interrupted while waiting; job cancelled");
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (CancellationException e) {
            throw new TranscodeCancelledException(request.input(), request.input() + ": cancelled");
        }
    }

    /**
     * Waits at most {@code timeout}; the job keeps running when this times out.
     *
     * @throws TranscodeException the typed failure of the job
     * @throws TimeoutException when the job is still running
     */
    public TranscodeReport await(Duration timeout) throws TimeoutException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(request.input(),
                    request.input() + ": interrupted while waiting; job cancelled");
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (CancellationException e) {
            throw new TranscodeCancelledException(request.input(), request.input() + ": cancelled");
        }
    }

    /** The result as a future (completes exceptionally with the {@link TranscodeException}). */
    public CompletableFuture<TranscodeReport> future() {
        return future.copy();
    }

    private static TranscodeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof TranscodeException te) {
            return te;
        }
        return new TranscodeException("transcode failed: " + c, c);
    }

    CompletableFuture<TranscodeReport> completion() {
        return future;
    }

    void running(FfmpegProcess p) {
        running = p;
    }

    FfmpegProcess running() {
        return running;
    }
}
