package io.stowage.transcode;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives what happens to a job; attached with {@link TranscodeRequest#withListener(TranscodeListener)}. Every
 * method has a default that does nothing, so an implementation overrides what it needs and keeps compiling when
 * events are added. Called on the job's reader thread, in order, roughly twice a second; keep it fast. An exception
 * thrown here is logged and ignored: it never fails the job.
 *
 * <p>{@code TranscodeRequest.of(in, out, "h264").withListener(TranscodeListener.progress(e -> bar.stepTo((long)
 * e.percent())))}
 *
 * <p>Implementations must be safe to call from a thread other than the one that submitted the job.
 */
public interface TranscodeListener {
    /** Called for each progress report. */
    default void onProgress(ProgressEvent event) {
    }

    /** A listener that ignores everything. */
    static TranscodeListener none() {
        return NoListener.INSTANCE;
    }

    /** A listener that hands each progress report to {@code action} (for a lambda or a method reference). */
    static TranscodeListener progress(Consumer<? super ProgressEvent> action) {
        Objects.requireNonNull(action, "action");
        return new TranscodeListener() {
            @Override
            public void onProgress(ProgressEvent event) {
                action.accept(event);
            }
        };
    }
}

/** The listener of {@link TranscodeListener#none()}. */
final class NoListener implements TranscodeListener {
    static final NoListener INSTANCE = new NoListener();

    private NoListener() {
    }
}
