package io.stowage.transcode.jobs;

/**
 * The queue as Redis sees it now.
 *
 * <pre>{@code
 * QueueStats q = service.queueStats();
 * System.out.println(q.waiting() + " waiting, " + q.claimed() + " being worked on");
 * }</pre>
 *
 * @param waiting     entries not yet delivered to any worker
 * @param claimed     entries delivered and not yet acknowledged (being worked on, or their worker died)
 * @param deadLetters entries in the dead-letter stream
 *
 * <p>Immutable, so thread-safe.
 */
public record QueueStats(long waiting, long claimed, long deadLetters) {
}
