package io.stowage.des.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.Objects;

/**
 * What {@link CrashRecovery} does: the archive bucket, the holder it records for adopted containers, whether it only
 * reports ({@code dryRun}), how many uploaded containers it checks per run, and the meter registry.
 */
public record RecoveryOptions(String bucket, String holder, boolean dryRun, int verifyPerRun,
                              MeterRegistry registry) {
    public RecoveryOptions {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(registry, "registry");
    }

    public static RecoveryOptions defaults(String bucket) {
        return new RecoveryOptions(bucket, NodeIdLease.defaultHolder(), false, 20, new SimpleMeterRegistry());
    }

    public RecoveryOptions withHolder(String v) {
        return new RecoveryOptions(bucket, v, dryRun, verifyPerRun, registry);
    }

    public RecoveryOptions withDryRun(boolean v) {
        return new RecoveryOptions(bucket, holder, v, verifyPerRun, registry);
    }

    public RecoveryOptions withVerifyPerRun(int v) {
        return new RecoveryOptions(bucket, holder, dryRun, v, registry);
    }

    public RecoveryOptions withRegistry(MeterRegistry v) {
        return new RecoveryOptions(bucket, holder, dryRun, verifyPerRun, v);
    }
}
