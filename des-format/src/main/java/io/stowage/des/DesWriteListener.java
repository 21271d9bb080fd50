package io.stowage.des;

/**
 * Hears what a {@link DesWriter} does, e.g. for progress; attached with {@link DesWriter.Builder#listener}. Every
 * method has a no-op default, so an implementation overrides only what it needs.
 *
 * <pre>{@code
 * DesWriter.builder(Path.of("day.des")).listener(new DesWriteListener() {
 *     @Override
 *     public void onEntryAdded(String name, long size) {
 *         progress.step(1);
 *     }
 * }).build();
 * }</pre>
 *
 * <p>Called on the thread that adds the entry (the writer's), synchronously: keep it short, it is on the packing
 * path. A listener that throws fails the writer like any other failure (nothing is committed).
 */
public interface DesWriteListener {
    /** An entry of {@code size} payload bytes (inside or external) is in the archive. */
    default void onEntryAdded(String name, long size) {
    }

    /** A listener that does nothing (the default). */
    static DesWriteListener none() {
        return new DesWriteListener() {
        };
    }
}
