package io.stowage.des.ingest;

import io.stowage.des.DesEntry;
import io.stowage.des.SnowflakeNames;
import io.stowage.des.s3.S3DesReader;
import io.stowage.s3.IncompleteUploads;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Crash recovery (at packer start, every few minutes, and {@code stowage des recover [--dry-run]}): deletes expired
 * shard locks; finishes or discards containers whose holder died (an uploaded archive is read back, checked against
 * the claims and its rows marked; an unfinished one's multipart upload is aborted and its rows released); adopts the
 * existing system's containers (an uploaded one's rows are marked packed from its META, so they are never packed
 * twice); returns stale claims to pending; checks uploaded containers against the catalogue (entry count, names).
 * It never deletes an object it did not create and never touches a live holder's container.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class CrashRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CrashRecovery.class);

    private final IngestDatabase db;
    private final Map<String, SourceConnector> sources = new LinkedHashMap<>();
    private final S3Client s3;
    private final S3Objects objects;
    private final RecoveryOptions o;
    private final ContainerCatalog catalog;
    private final ClaimLedger claims;
    private final PackerSupport support;
    private final List<String> actions = new ArrayList<>();
    private int expired;
    private int stale;
    private int finished;
    private int discarded;
    private int adopted;
    private int aborted;
    private int ok;
    private int problems;
    private int orphans;

    private CrashRecovery(IngestDatabase db, List<SourceConnector> sources, S3Client s3, RecoveryOptions o) {
        this.db = db;
        sources.forEach(s -> this.sources.put(s.name(), s));
        this.s3 = s3;
        this.objects = S3Objects.create(s3);
        this.o = o;
        this.catalog = ContainerCatalog.of(db);
        this.claims = new ClaimLedger(db);
        this.support = new PackerSupport(db, o.registry());
    }

    public static CrashRecovery create(IngestDatabase db, List<SourceConnector> sources, S3Client s3,
                                       RecoveryOptions options) {
        return new CrashRecovery(db, sources, s3, options);
    }

    /** One pass; see the class comment. */
    public synchronized RecoveryReport run() {
        actions.clear();
        expired = stale = finished = discarded = adopted = aborted = ok = problems = orphans = 0;
        Instant now = Instant.now();
        if (o.dryRun()) {
            expired = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_shard_locks WHERE "
                    + "expires_at < :n").bind("n", db.timestamp(now)).mapTo(Integer.class).one());
        } else {
            expired = ShardLocks.deleteExpired(db, now);
        }
        o.registry().counter("des_recovery_expired_locks_total").increment(expired);
        // the containers first, then who is alive: a packer takes its shard's lock before it reserves a container,
        // so every container listed here whose holder is alive shows that holder below (read the other way round, a
        // container reserved in between by a packer that just took the lock would look ownerless)
        List<Container> unfinished = catalog.inStates(ContainerState.WRITING, ContainerState.UPLOADING,
                ContainerState.UPLOADED);
        Instant seen = Instant.now();
        Map<Integer, String> live = ShardLocks.liveHolders(db, seen);
        Set<String> liveHolders = new HashSet<>(live.values());
        Set<String> ourPackers = new HashSet<>(db.jdbi().withHandle(h -> h.createQuery("SELECT holder_id FROM "
                + "des_ingest_packers WHERE expires_at > :n").bind("n", db.timestamp(seen)).mapTo(String.class)
                .list()));

        for (Container c : unfinished) {
            if (c.holder().equals(live.get(c.shardId()))) {
                continue;   // a live holder's container
            }
            if (ourPackers.contains(c.holder())) {
                // its packer is alive (heartbeat within its TTL) but does not hold the shard's lock right now: it
                // gives the container up itself when it sees the lock lost, or finishes an upload it started; if it
                // dies, its heartbeat expires and a later pass resolves the container. Its multipart upload is
                // never aborted under it.
                continue;
            }
            resolve(c);
        }
        // a live lock on the shard held by a process that is not one of our packers may be the old system's
        // packer still writing this container: leave it until that lock is gone
        for (Container c : catalog.foreign("writing")) {
            String holder = live.get(c.shardId());
            if (holder != null && !ourPackers.contains(holder)) {
                continue;
            }
            adoptWriting(c);
        }
        for (Container c : catalog.foreign("uploaded")) {
            adoptUploaded(c);
        }
        staleClaims(now, liveHolders);
        orphans(seen);
        integrity();
        RecoveryReport r = new RecoveryReport(expired, stale, finished, discarded, adopted, aborted, ok, problems,
                orphans, o.dryRun(), actions);
        if (!actions.isEmpty()) {
            LOG.info("recovery{}: {}", o.dryRun() ? " (dry run)" : "", actions);
        }
        return r;
    }

    private void act(String line) {
        actions.add(line);
    }

    /** A container of ours whose holder is gone. */
    private void resolve(Container c) {
        String what = "container " + c.id() + " (" + c.s3Key() + ")";
        if (c.state() == ContainerState.UPLOADED) {
            act(what + ": uploaded, marking its rows packed");
            if (!o.dryRun()) {
                markAndFinish(c);
            }
            finished++;
            partial("finished");
            return;
        }
        // WRITING or UPLOADING: abort our multipart uploads of its key first, then look
        abortUploads(c);
        Optional<RemoteObject> head = objects.head(c.bucket(), c.s3Key());
        if (head.isEmpty()) {
            act(what + ": " + c.state() + " with no object, discarded and its rows released");
            if (!o.dryRun()) {
                catalog.transition(c.id(), c.state(), ContainerState.DISCARDED, Instant.now());
                deleteExternals(c);
                support.releaseContainer(c.id(), sources);
            }
            discarded++;
            partial("discarded");
            return;
        }
        act(what + ": " + c.state() + " and the object exists: verified and finished");
        if (!o.dryRun()) {
            recordUploaded(c, head.get());
        }
        finished++;
        partial("finished");
    }

    private void partial(String action) {
        o.registry().counter("des_recovery_partial_containers_total", "action", action).increment();
    }

    /** Reads the archive back, checks it against the claims, records it uploaded, marks the rows. */
    private void recordUploaded(Container c, RemoteObject head) {
        List<ClaimLedger.Claim> cl = claims.ofContainer(c.id());
        Map<String, ClaimLedger.Claim> byRow = new HashMap<>();
        cl.forEach(x -> byRow.put(x.sourceDb() + "\u0000" + x.rowId(), x));
        int entries = 0;
        long data = 0;
        Set<String> inArchive = new HashSet<>();
        try (S3DesReader r = S3DesReader.open(s3, c.bucket(), c.s3Key())) {
            for (DesEntry e : r.list()) {
                entries++;
                data += e.size();
                Map<String, Object> m = e.meta();
                String key = m.get("source_db") + "\u0000" + m.get("source_file_id");
                ClaimLedger.Claim x = byRow.get(key);
                if (x == null || !e.name().equals(x.entryName())) {
                    problems++;
                    act("container " + c.id() + ": entry " + e.name() + " has no matching claim");
                } else {
                    inArchive.add(key);
                }
            }
        } catch (RuntimeException e) {
            problems++;
            act("container " + c.id() + ": cannot read the archive back (" + e.getMessage() + "); left for a look");
            return;
        }
        // claims of rows the archive does not have: back to pending
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (ClaimLedger.Claim x : cl) {
            if (!inArchive.contains(x.sourceDb() + "\u0000" + x.rowId())) {
                missing.computeIfAbsent(x.sourceDb(), k -> new ArrayList<>()).add(x.rowId());
            }
        }
        missing.forEach((src, ids) -> {
            SourceConnector sc = sources.get(src);
            if (sc != null) {
                sc.release(ids);
                claims.delete(src, ids);
            }
        });
        if (c.state() == ContainerState.WRITING) {
            catalog.transition(c.id(), ContainerState.WRITING, ContainerState.UPLOADING, Instant.now());
        }
        catalog.markUploaded(c.id(), entries, data, head.size(), head.eTag(), Instant.now());
        markAndFinish(c);
    }

    /** Marks the rows of an UPLOADED container packed (from its claims, else the name index), then DONE. */
    private void markAndFinish(Container c) {
        Map<String, List<SourceConnector.Packed>> bySource = new LinkedHashMap<>();
        List<ClaimLedger.Claim> cl = claims.ofContainer(c.id());
        if (!cl.isEmpty()) {
            for (ClaimLedger.Claim x : cl) {
                bySource.computeIfAbsent(x.sourceDb(), k -> new ArrayList<>())
                        .add(new SourceConnector.Packed(x.rowId(), x.desName(), c.id()));
            }
        } else {
            db.jdbi().useHandle(h -> h.createQuery("SELECT source_db, source_row_id, des_name FROM des_entry_index "
                            + "WHERE container_id = :c").bind("c", c.id())
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                    .forEach(a -> bySource.computeIfAbsent(a[0], k -> new ArrayList<>())
                            .add(new SourceConnector.Packed(a[1], a[2], c.id()))));
        }
        for (Map.Entry<String, List<SourceConnector.Packed>> e : bySource.entrySet()) {
            SourceConnector sc = sources.get(e.getKey());
            if (sc == null) {
                act("container " + c.id() + ": rows of source '" + e.getKey() + "' not configured here; "
                        + "left UPLOADED for a recovery that has it");
                return;
            }
            sc.markPacked(e.getValue(), Instant.now());
        }
        support.finish(c.id(), Instant.now());
    }

    private void abortUploads(Container c) {
        try {
            // S3Location is a folder (it ends the prefix with '/'): list the key's folder, keep the key's uploads
            // (a location of the key itself listed "KEY/" and never found the container's own upload)
            int slash = c.s3Key().lastIndexOf('/');
            IncompleteUploads iu = IncompleteUploads.of(s3, S3Location.of(c.bucket(),
                    slash < 0 ? "" : c.s3Key().substring(0, slash + 1)));
            List<IncompleteUploads.Upload> mine = iu.list(Duration.ZERO).stream()
                    .filter(u -> u.key().equals(c.s3Key())).toList();
            if (!mine.isEmpty()) {
                act("container " + c.id() + ": " + mine.size() + " incomplete multipart upload(s) aborted");
                if (!o.dryRun()) {
                    iu.abort(mine);
                }
                aborted += mine.size();
            }
        } catch (RuntimeException e) {
            LOG.warn("container {}: cannot list or abort its multipart uploads: {}", c.s3Key(), e.toString());
        }
    }

    /** How long after its discard a container's key is still watched for a late upload. */
    static final Duration ORPHAN_WATCH = Duration.ofHours(1);

    /**
     * Discarded containers of ours not yet settled ({@code verified} unset): an incomplete multipart upload on the
     * key is aborted, and an archive under the key is deleted with the container's external objects. Only the
     * container's own writer can have written there (the key was reserved for it, is never handed out again, and
     * the sink refuses an existing key): a writer that stalled past its lock TTL completes its upload after recovery
     * discarded the container, finds {@code UPLOADED} refused and deletes the object itself, unless it dies first.
     * An object older than the container (a key that was taken when the packer opened it, marked
     * {@code foreign-object} then) is someone else's: it is reported and left alone. A key with nothing on it is
     * settled ({@code no-object}) once the discard is {@link #ORPHAN_WATCH} old.
     */
    private void orphans(Instant now) {
        for (Container c : catalog.inStates(ContainerState.DISCARDED)) {
            if (c.verified() != null || c.holder() == null || c.bucket() == null) {
                continue;
            }
            String what = "container " + c.id() + " (" + c.s3Key() + ", discarded)";
            abortUploads(c);
            Optional<RemoteObject> head;
            try {
                head = objects.head(c.bucket(), c.s3Key());
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot check its key: {}", what, e.toString());
                continue;
            }
            if (head.isPresent()) {
                Instant created = c.createdAt() == null ? null : c.createdAt().truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS);
                Instant modified = head.get().lastModified();
                if (created != null && modified != null && modified.isBefore(created)) {
                    problems++;
                    act(what + ": an object older than the container is under its key; not ours, left alone");
                    if (!o.dryRun()) {
                        catalog.setVerified(c.id(), "foreign-object");
                    }
                    continue;
                }
                act(what + ": an archive appeared under its key after the discard (a late upload of a writer that "
                        + "died); deleted");
                if (!o.dryRun()) {
                    objects.delete(c.bucket(), c.s3Key());
                    deleteExternals(c);
                    catalog.setVerified(c.id(), "orphan-deleted");
                }
                orphans++;
            } else if (!o.dryRun() && c.finalizedAt() != null
                    && c.finalizedAt().isBefore(now.minus(ORPHAN_WATCH))) {
                catalog.setVerified(c.id(), "no-object");
            }
        }
    }

    /** External objects under the container's own prefix: only its writer ever wrote there. */
    private void deleteExternals(Container c) {
        if (c.externalPrefix() == null || c.externalPrefix().isEmpty()) {
            return;
        }
        try {
            objects.list(c.bucket(), c.externalPrefix() + "/_bigFiles/").forEach(ro -> {
                objects.delete(c.bucket(), ro.key());
                act("container " + c.id() + ": external object " + ro.key() + " of the discarded container deleted");
            });
        } catch (RuntimeException e) {
            LOG.warn("container {}: cannot clean its external objects: {}", c.s3Key(), e.toString());
        }
    }

    /** The existing system's {@code writing} container whose shard nobody holds. */
    private void adoptWriting(Container c) {
        Optional<RemoteObject> head = objects.head(o.bucket(), c.s3Key());
        String what = "container " + c.id() + " (" + c.s3Key() + ", existing system)";
        if (head.isEmpty()) {
            act(what + ": writing with no object and no live holder: marked failed");
            if (!o.dryRun()) {
                catalog.adopt(c, o.bucket(), ContainerState.DISCARDED, o.holder(), Instant.now());
                catalog.setVerified(c.id(), "adopted");    // the old system's key: never an orphan of ours
            }
            discarded++;
            partial("discarded");
        } else {
            act(what + ": writing, but the object exists: adopted as uploaded");
            if (!o.dryRun()) {
                adoptArchive(c, head.get());
            }
            adopted++;
            partial("adopted");
        }
    }

    /** The existing system's {@code uploaded} container: its rows are marked packed from its META, once. */
    private void adoptUploaded(Container c) {
        Optional<RemoteObject> head = objects.head(o.bucket(), c.s3Key());
        String what = "container " + c.id() + " (" + c.s3Key() + ", existing system)";
        if (head.isEmpty()) {
            problems++;
            o.registry().counter("des_recovery_container_integrity_total", "outcome", "missing").increment();
            act(what + ": uploaded in the catalogue but no object in s3://" + o.bucket());
            if (!o.dryRun()) {
                catalog.adopt(c, o.bucket(), ContainerState.DONE, o.holder(), Instant.now());
                catalog.setVerified(c.id(), "missing");
            }
            return;
        }
        act(what + ": adopted; its rows marked packed from its META");
        if (!o.dryRun()) {
            adoptArchive(c, head.get());
        }
        adopted++;
    }

    private void adoptArchive(Container c, RemoteObject head) {
        Map<String, List<SourceConnector.Packed>> bySource = new LinkedHashMap<>();
        List<String[]> index = new ArrayList<>();
        int entries = 0;
        long data = 0;
        NodeIdLease lease = null;
        try (S3DesReader r = S3DesReader.open(s3, o.bucket(), c.s3Key())) {
            SnowflakeNames names = null;
            for (DesEntry e : r.list()) {
                entries++;
                data += e.size();
                Map<String, Object> m = e.meta();
                Object src = m.get("source_db");
                Object id = m.get("source_file_id");
                if (src == null || id == null || !sources.containsKey(src.toString())) {
                    continue;
                }
                if (names == null) {
                    lease = support.leaseNodeId(o.holder());
                    names = SnowflakeNames.create("DES", lease.nodeId());
                }
                String desName = names.next(c.day());
                String rowId = id instanceof Number n ? Long.toString(n.longValue()) : id.toString();
                bySource.computeIfAbsent(src.toString(), k -> new ArrayList<>())
                        .add(new SourceConnector.Packed(rowId, desName, c.id()));
                index.add(new String[] {desName, src.toString(), rowId, e.name()});
            }
        } catch (RuntimeException e) {
            problems++;
            act("container " + c.id() + ": cannot read the archive (" + e.getMessage() + "); not adopted");
            return;
        } finally {
            if (lease != null) {
                lease.close();
            }
        }
        bySource.forEach((src, rows) -> {
            // only rows not already packed elsewhere: markPacked skips packed rows
            sources.get(src).markPacked(rows, Instant.now());
            claims.delete(src, rows.stream().map(SourceConnector.Packed::id).toList());
        });
        final int n = entries;
        final long d = data;
        db.jdbi().useTransaction(h -> {
            for (String[] a : index) {
                h.execute("INSERT INTO des_entry_index (des_name, source_db, source_row_id, container_id, entry_name, "
                        + "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (des_name) DO NOTHING", a[0], a[1], a[2],
                        c.id(), a[3], db.timestamp(Instant.now()));
            }
        });
        catalog.adopt(c, o.bucket(), ContainerState.DONE, o.holder(), Instant.now());
        db.jdbi().useHandle(h -> h.execute("UPDATE des_ingest_containers SET entry_count = ?, archive_bytes = ?, "
                + "etag = ? WHERE container_id = ?", n, head.size(), head.eTag(), c.id()));
        db.jdbi().useHandle(h -> h.execute("UPDATE des_containers SET status = 'uploaded', file_count = ?, "
                + "data_bytes = ?, finalized_at = COALESCE(finalized_at, ?) WHERE id = ?", n, d,
                db.timestamp(Instant.now()), c.id()));
    }

    /** Claims whose holder is gone (and that belong to no live container) older than the source's timeout. */
    private void staleClaims(Instant now, Set<String> liveHolders) {
        Map<Long, ContainerState> states = new HashMap<>();
        for (Container c : catalog.inStates(ContainerState.WRITING, ContainerState.UPLOADING,
                ContainerState.UPLOADED)) {
            states.put(c.id(), c.state());
        }
        Map<String, Set<String>> recorded = new HashMap<>();
        Map<String, List<String>> release = new LinkedHashMap<>();
        for (ClaimLedger.Claim x : claims.all()) {
            recorded.computeIfAbsent(x.sourceDb(), k -> new HashSet<>()).add(x.rowId());
            SourceConnector sc = sources.get(x.sourceDb());
            if (sc == null || liveHolders.contains(x.holder())) {
                continue;
            }
            if (x.containerId() != null && states.containsKey(x.containerId())) {
                continue;   // its container is still being finished (by recovery, above, or its holder)
            }
            Instant limit = now.minusSeconds(sc.source().claimTimeoutSeconds());
            if (x.claimedAt() != null && x.claimedAt().isBefore(limit)) {
                release.computeIfAbsent(x.sourceDb(), k -> new ArrayList<>()).add(x.rowId());
            }
        }
        // claims only the source shows (the existing system's, or a crash between the two databases)
        for (SourceConnector sc : sources.values()) {
            Set<String> known = recorded.getOrDefault(sc.name(), Set.of());
            Instant limit = now.minusSeconds(sc.source().claimTimeoutSeconds());
            for (SourceConnector.Claimed cl : sc.claimedRows()) {
                if (known.contains(cl.id()) || (cl.claimedBy() != null && liveHolders.contains(cl.claimedBy()))) {
                    continue;
                }
                if (cl.claimedAt() != null) {
                    if (cl.claimedAt().isBefore(limit)) {
                        release.computeIfAbsent(sc.name(), k -> new ArrayList<>()).add(cl.id());
                    }
                } else if (!o.dryRun()) {
                    claims.observe(sc.name(), cl.id(), cl.claimedBy() == null ? "unknown" : cl.claimedBy(), -1, now);
                }
            }
        }
        release.forEach((src, ids) -> {
            act(ids.size() + " stale claim(s) of source '" + src + "' back to pending");
            if (!o.dryRun()) {
                sources.get(src).release(ids);
                claims.delete(src, ids);
            }
            stale += ids.size();
        });
        o.registry().counter("des_recovery_stale_claims_total").increment(stale);
    }

    /** Uploaded containers not yet checked: entry count and names against the catalogue and the name index. */
    private void integrity() {
        List<Container> todo = catalog.inStates(ContainerState.DONE).stream().filter(c -> c.verified() == null)
                .limit(o.verifyPerRun()).toList();
        for (Container c : todo) {
            String outcome;
            try (S3DesReader r = S3DesReader.open(s3, c.bucket(), c.s3Key())) {
                Set<String> names = new HashSet<>();
                r.list().forEach(e -> names.add(e.name()));
                List<String> indexed = db.jdbi().withHandle(h -> h.createQuery("SELECT entry_name FROM "
                        + "des_entry_index WHERE container_id = :c").bind("c", c.id()).mapTo(String.class).list());
                boolean countOk = c.fileCount() == r.list().size();
                boolean namesOk = names.containsAll(indexed);
                outcome = countOk && namesOk ? "ok" : "mismatch";
                if (!countOk || !namesOk) {
                    act("container " + c.id() + " (" + c.s3Key() + "): catalogue says " + c.fileCount()
                            + " entries, archive has " + r.list().size() + (namesOk ? "" : "; indexed names missing"));
                }
            } catch (RuntimeException e) {
                outcome = objects.head(c.bucket(), c.s3Key()).isEmpty() ? "missing" : "unreadable";
                act("container " + c.id() + " (" + c.s3Key() + "): " + outcome + " (" + e.getMessage() + ")");
            }
            if ("ok".equals(outcome)) {
                ok++;
            } else {
                problems++;
            }
            o.registry().counter("des_recovery_container_integrity_total", "outcome", outcome).increment();
            if (!o.dryRun()) {
                catalog.setVerified(c.id(), outcome);
            }
        }
    }
}
