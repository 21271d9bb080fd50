package io.stowage.sync;

import java.time.Instant;

/**
 * A file the ledger has as {@code failed}, with the last error.
 *
 * <p>{@code status.failures().forEach(f -> System.err.println(f.path() + ": " + f.reason()));}
 *
 * <p>Immutable and thread-safe.
 *
 * @param path      the path relative to the uploaded folder, {@code /}-separated
 * @param key       the S3 key
 * @param reason    the last error
 * @param attempts  upload attempts so far
 * @param sessionId the session that tried it last
 * @param updatedAt when it failed
 */
public record FailedFile(String path, String key, String reason, int attempts, long sessionId, Instant updatedAt) {}
