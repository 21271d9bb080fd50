package io.stowage.des.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.des.ExternalStore;
import io.stowage.des.s3.S3ExternalStore;
import io.stowage.s3.S3ObjectMissingException;
import io.stowage.s3.S3Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The packer's helpers: entry names and META, fetching, the no-overwrite external store, state statements. */
final class PackerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(PackerSupport.class);

    /** An entry written into an open container. */
    record Added(SourceRow row, String entryName, String desName) {}

    /** A fetched body: bytes, or null with {@code size} for a big one streamed at write time, or an error. */
    record Fetched(byte[] bytes, long size, String error) {
        static Fetched failed(String why) {
            return new Fetched(null, -1, why);
        }
    }

    /** {@link PackerListener#none()}: the packer skips the work done only to tell a listener (a catalogue read). */
    static final PackerListener NO_LISTENER = new PackerListener() {};

    private final IngestDatabase db;
    private final MeterRegistry registry;

    PackerSupport(IngestDatabase db, MeterRegistry registry) {
        this.db = db;
        this.registry = registry;
    }

    /** The entry name of a row: the last {@code /} segment of its key. */
    static String entryName(SourceRow r) {
        String k = r.key() == null ? "" : r.key();
        String n = k.substring(k.lastIndexOf('/') + 1);
        return n.isEmpty() ? "row-" + r.id() : n;
    }

    /**
     * A name not in {@code taken}: {@code base} itself, else {@code stem~{source}-{id}.ext}, else that with
     * {@code ~2}, {@code ~3}, ... (deterministic: it depends only on the row and the names before it).
     */
    static String resolveClash(String base, SourceRow r, Set<String> taken) {
        if (!taken.contains(base)) {
            return base;
        }
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        String ext = dot > 0 ? base.substring(dot) : "";
        String cand = stem + "~" + r.source() + "-" + r.id() + ext;
        for (int i = 2; taken.contains(cand); i++) {
            cand = stem + "~" + r.source() + "-" + r.id() + "~" + i + ext;
        }
        return cand;
    }

    /** Archive bytes a row is expected to take (payload + index and META). */
    static long estimate(SourceRow r, long externalThreshold) {
        long body = r.sizeBytes() >= externalThreshold ? 0 : Math.max(0, r.sizeBytes());
        return body + 200 + (r.key() == null ? 0 : r.key().length() * 2L);
    }

    /** META as DES-INGEST.md section 2 (the writer adds size and crc32c). */
    static Map<String, Object> meta(SourceRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source_db", r.source());
        m.put("source_file_id", r.idValue() instanceof Number n ? (Object) n.longValue() : r.id());
        m.put("original_s3_bucket", r.bucket());
        m.put("original_s3_key", r.key());
        m.putAll(r.metadata());
        m.put("created_at", (r.createdAt() != null ? r.createdAt() : Instant.now()).toString());
        return m;
    }

    /** Bodies up to this size are fetched ahead in parallel into memory; bigger ones stream at write time. */
    static final long INLINE_LIMIT = 8L << 20;

    /** GETs a row's object (bounded: a body of 8 MiB or more, or at least the threshold, is streamed later). */
    static Fetched fetch(S3Objects objects, SourceRow r, long externalThresholdGiven) {
        long externalThreshold = Math.min(externalThresholdGiven, INLINE_LIMIT);
        if (r.bucket() == null || r.bucket().isBlank() || r.key() == null || r.key().isBlank()) {
            return Fetched.failed("the row has no s3_bucket or s3_key");
        }
        String url = "s3://" + r.bucket() + "/" + r.key();
        try {
            if (r.sizeBytes() >= externalThreshold) {
                return objects.head(r.bucket(), r.key()).map(h -> new Fetched(null, h.size(), null))
                        .orElse(Fetched.failed("object " + url + " does not exist"));
            }
            try (InputStream in = objects.get(r.bucket(), r.key())) {
                byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, externalThreshold));
                if (b.length >= externalThreshold) {
                    return objects.head(r.bucket(), r.key()).map(h -> new Fetched(null, h.size(), null))
                            .orElse(Fetched.failed("object " + url + " does not exist"));
                }
                return new Fetched(b, b.length, null);
            }
        } catch (S3ObjectMissingException e) {
            return Fetched.failed("object " + url + " does not exist");
        } catch (IOException | RuntimeException e) {
            return Fetched.failed("object " + url + " is unreadable: " + e.getMessage());
        }
    }

    /** External objects under the container's own prefix, never over an existing object. */
    static ExternalStore noOverwrite(S3Client s3, String bucket) {
        S3ExternalStore store = S3ExternalStore.create(s3, bucket);
        S3Objects objects = S3Objects.create(s3);
        return new ExternalStore() {
            @Override
            public void put(String key, InputStream data, long length) throws IOException {
                if (objects.head(bucket, key).isPresent()) {
                    throw new IOException("s3://" + bucket + "/" + key + " exists already; an external object is "
                            + "never overwritten");
                }
                store.put(key, data, length);
            }

            @Override
            public InputStream open(String key) throws IOException {
                return store.open(key);
            }

            @Override
            public void delete(String key) throws IOException {
                store.delete(key);
            }

            @Override
            public String describe() {
                return store.describe();
            }
        };
    }

    /** Records this packer as live until now + ttl; returns how many packers are live. */
    int heartbeat(String holder, Instant now, Duration ttl) {
        return db.jdbi().inTransaction(h -> {
            h.execute("INSERT INTO des_ingest_packers (holder_id, expires_at) VALUES (?, ?) ON CONFLICT (holder_id) "
                    + "DO UPDATE SET expires_at = excluded.expires_at", holder, db.timestamp(now.plus(ttl)));
            if (db.dialect() == IngestDatabase.Dialect.POSTGRES) {
                // rows another packer's heartbeat holds right now are skipped, not waited for: two packers whose
                // own rows had both expired (a loaded machine) each deleted the other's row while holding its own
                // and deadlocked (PackerCrashTest: "deadlock detected" ended a packer)
                h.execute("DELETE FROM des_ingest_packers WHERE holder_id IN (SELECT holder_id FROM "
                        + "des_ingest_packers WHERE expires_at < ? FOR UPDATE SKIP LOCKED)",
                        db.timestamp(now.minus(ttl)));
            } else {
                h.execute("DELETE FROM des_ingest_packers WHERE expires_at < ?", db.timestamp(now.minus(ttl)));
            }
            return h.createQuery("SELECT COUNT(*) FROM des_ingest_packers WHERE expires_at > :now")
                    .bind("now", db.timestamp(now)).mapTo(Integer.class).one();
        });
    }

    void unregister(String holder) {
        try {
            db.jdbi().useHandle(h -> h.execute("DELETE FROM des_ingest_packers WHERE holder_id = ?", holder));
        } catch (RuntimeException e) {
            LOG.debug("cannot unregister packer {}: {}", holder, e.toString());
        }
    }

    /** A node id lease: the first free id of 0..255. */
    NodeIdLease leaseNodeId(String holder) {
        for (int id = 0; id <= NodeIdLease.MAX_NODE_ID; id++) {
            try {
                return NodeIdLease.acquire(db, id, holder, Duration.ofSeconds(30));
            } catch (DesIngestNodeIdHeldException e) {
                // taken by a live process: try the next
            }
        }
        throw new DesIngestException("all 256 node ids are leased by live processes; stop one or wait for a lease"
                + " to expire");
    }

    /** Step 5: the claims of the container are cleared and it is DONE, in one transaction. */
    void finish(long containerId, Instant now) {
        finish(List.of(containerId), now);
    }

    /** Step 5 for several containers: their claims cleared and all of them DONE, in one transaction. */
    void finish(List<Long> containerIds, Instant now) {
        if (containerIds.isEmpty()) {
            return;
        }
        db.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM des_ingest_claims WHERE container_id IN (<c>)").bindList("c", containerIds)
                    .execute();
            h.createUpdate("UPDATE des_ingest_containers SET state = 'DONE', updated_at = :now WHERE container_id "
                    + "IN (<c>) AND state = 'UPLOADED'").bind("now", db.timestamp(now)).bindList("c", containerIds)
                    .execute();
        });
    }

    /** The rows claimed for a container go back to pending (source first), then their claims are deleted. */
    void releaseContainer(long containerId, Map<String, SourceConnector> sources) {
        Map<String, List<String>> bySource = new LinkedHashMap<>();
        for (ClaimLedger.Claim c : new ClaimLedger(db).ofContainer(containerId)) {
            bySource.computeIfAbsent(c.sourceDb(), k -> new ArrayList<>()).add(c.rowId());
        }
        ClaimLedger ledger = new ClaimLedger(db);
        bySource.forEach((name, ids) -> {
            SourceConnector src = sources.get(name);
            if (src == null) {
                LOG.warn("container {}: {} claims of source '{}', which is not configured here; left for a packer "
                        + "that has it", containerId, ids.size(), name);
                return;
            }
            src.release(ids);
            ledger.delete(name, ids);
        });
    }

    MeterRegistry registry() {
        return registry;
    }
}
