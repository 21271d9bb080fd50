package io.stowage.des.ingest;

import java.time.Duration;

/**
 * What a {@link Marker#run()} did until it stopped.
 *
 * @param batches        committed batches (empty ones included)
 * @param marked         rows marked
 * @param retried        transient failures (rows set to {@code retry})
 * @param failed         rows set to {@code failed}
 * @param dlq            rows written to the DLQ
 * @param failedBatches  batches rolled back after an error (retried after a backoff)
 * @param took           wall time
 */
public record MarkerReport(long batches, long marked, long retried, long failed, long dlq, long failedBatches,
                           Duration took) {
}
