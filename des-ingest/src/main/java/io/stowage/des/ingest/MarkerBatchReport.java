package io.stowage.des.ingest;

import java.time.Duration;

/**
 * One committed batch of the {@link Marker}.
 *
 * @param claimed rows claimed
 * @param marked  rows given a name, hash and shard (status {@code marked})
 * @param retried rows set to {@code retry} after a transient error
 * @param failed  rows set to {@code failed} (permanent error or retries used up)
 * @param dlq     rows written to the DLQ table
 * @param took    wall time of the batch
 */
public record MarkerBatchReport(int claimed, int marked, int retried, int failed, int dlq, Duration took) {
    /** An empty batch. */
    public static MarkerBatchReport empty(Duration took) {
        return new MarkerBatchReport(0, 0, 0, 0, 0, took);
    }
}
