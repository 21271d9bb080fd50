package io.stowage.des.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a {@link DesPacker} does: the archive bucket and key prefix, the shards it may hold, roll-over limits, the day's
 * zone, lock TTL, timing, and the listener and meter registry. {@link #defaults(String)} then {@code withX}.
 *
 * @param bucket            archive bucket (env {@code DES_ARCHIVE_BUCKET} in the existing system; default
 *                          {@code des-archives})
 * @param destPrefix        key prefix, may be empty
 * @param shards            the shards this packer may hold (empty: all shards of the sources)
 * @param maxShards         the most shards held at once; 0: a fair share of the live packers
 * @param maxBytes          roll over before a container passes this size (default 4 GiB)
 * @param maxFiles          roll over at this many entries (default 0: no limit)
 * @param zone              the zone of the packing day (default UTC)
 * @param lockTtl           shard lock TTL (default 30 s; renewed every TTL/2)
 * @param idleFinalize      finalize a container that got no entry for this long (default 5 min)
 * @param pollInterval      wait between empty claim rounds (default 1 s)
 * @param fetchThreads      parallel GETs of source objects (default 16)
 * @param externalThreshold entries at least this big go to their own object (default 100 MiB)
 * @param recoveryInterval  run {@link CrashRecovery} this often (default 2 min; also at start)
 * @param exitWhenIdle      return from {@link DesPacker#run()} when nothing is pending and everything is uploaded
 * @param holder            lock and claim holder id (default {@code {hostname}-{pid}})
 * @param namePrefix        prefix of assigned DES names (default {@code DES})
 * @param partSize          multipart part size of archive uploads (default 8 MiB)
 */
public record PackerOptions(String bucket, String destPrefix, Set<Integer> shards, int maxShards, long maxBytes,
                            int maxFiles, ZoneId zone, Duration lockTtl, Duration idleFinalize, Duration pollInterval,
                            int fetchThreads, long externalThreshold, Duration recoveryInterval, boolean exitWhenIdle,
                            String holder, String namePrefix, int partSize, PackerListener listener,
                            MeterRegistry registry) {
    public PackerOptions {
        Objects.requireNonNull(bucket, "bucket");
        destPrefix = destPrefix == null ? "" : destPrefix.replaceAll("^/+|/+$", "");
        shards = Set.copyOf(new TreeSet<>(shards));
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " must be at least 1 KiB");
        }
        if (maxFiles < 0 || maxShards < 0) {
            throw new IllegalArgumentException("maxFiles and maxShards must be >= 0");
        }
        if (fetchThreads < 1 || fetchThreads > 256) {
            throw new IllegalArgumentException("fetchThreads " + fetchThreads + " must be 1..256");
        }
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(registry, "registry");
    }

    /** Defaults for {@code bucket}: all shards, 4 GiB, UTC, 30 s locks, the host-pid holder. */
    public static PackerOptions defaults(String bucket) {
        return new PackerOptions(bucket, "", Set.of(), 0, 4L << 30, 0, ZoneOffset.UTC, Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofSeconds(1), 16, 100L << 20, Duration.ofMinutes(2), false,
                NodeIdLease.defaultHolder(), "DES", 8 << 20, PackerListener.none(), new SimpleMeterRegistry());
    }

    public PackerOptions withDestPrefix(String v) {
        return new PackerOptions(bucket, v, shards, maxShards, maxBytes, maxFiles, zone, lockTtl, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withShards(Set<Integer> v) {
        return new PackerOptions(bucket, destPrefix, v, maxShards, maxBytes, maxFiles, zone, lockTtl, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withMaxShards(int v) {
        return new PackerOptions(bucket, destPrefix, shards, v, maxBytes, maxFiles, zone, lockTtl, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withMaxBytes(long v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, v, maxFiles, zone, lockTtl, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withMaxFiles(int v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, v, zone, lockTtl, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withZone(ZoneId v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, v, lockTtl, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withLockTtl(Duration v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, v, idleFinalize,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withIdleFinalize(Duration v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl, v,
                pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withPollInterval(Duration v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, v, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withFetchThreads(int v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, v, externalThreshold, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withExternalThreshold(long v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, v, recoveryInterval, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withRecoveryInterval(Duration v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, v, exitWhenIdle, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withExitWhenIdle(boolean v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, recoveryInterval, v, holder, namePrefix,
                partSize, listener, registry);
    }

    public PackerOptions withHolder(String v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, v,
                namePrefix, partSize, listener, registry);
    }

    public PackerOptions withNamePrefix(String v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder, v,
                partSize, listener, registry);
    }

    public PackerOptions withPartSize(int v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder,
                namePrefix, v, listener, registry);
    }

    public PackerOptions withListener(PackerListener v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder,
                namePrefix, partSize, v, registry);
    }

    public PackerOptions withRegistry(MeterRegistry v) {
        return new PackerOptions(bucket, destPrefix, shards, maxShards, maxBytes, maxFiles, zone, lockTtl,
                idleFinalize, pollInterval, fetchThreads, externalThreshold, recoveryInterval, exitWhenIdle, holder,
                namePrefix, partSize, listener, v);
    }
}
