package io.stowage.des.ingest;

import io.stowage.des.DesOutputExistsException;
import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.des.SnowflakeNames;
import io.stowage.des.s3.S3DesSink;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

/**
 * The open containers of one {@link DesPacker}, one per shard: opening (a part reserved in the catalogue, a key
 * never overwritten), finalizing with steps 2-5 of the exactly-once protocol of docs/des-ingest.md (several at once)
 * and giving up (the rows go back to pending). The packer's loop thread writes and finalizes; its claim thread
 * admits rows ({@link #admit}) at the same time. {@link #lock} orders the two: admission holds it from its first look
 * at the open containers until its claims are recorded, and the loop thread holds it while it picks containers to
 * finalize or give up and takes them out of {@link #open} (a container with rows in flight is never picked), never
 * while it calls a source (the claim thread holds its source's monitor while it admits). Finalizing uses its own
 * threads for the uploads.
 */
final class PackerContainers {
    private static final Logger LOG = LoggerFactory.getLogger(PackerContainers.class);

    /** One open container of a shard. */
    static final class Open {
        Container c;
        DesWriter writer;
        final Set<String> names = new java.util.HashSet<>();
        final List<PackerSupport.Added> added = new ArrayList<>();
        int assigned;
        long assignedBytes;
        /**
         * Rows admitted to this container whose bodies are still being fetched (it is not finalized meanwhile):
         * raised by admission (claim thread, under the lock), lowered by the loop thread as it writes them.
         */
        final java.util.concurrent.atomic.AtomicInteger inflight = new java.util.concurrent.atomic.AtomicInteger();
        /** Set by admission when a row did not fit; read by the loop thread's finalizing. */
        volatile boolean full;
        long lastAddNanos = System.nanoTime();
    }

    /** Counters and time spent, for the {@link PackerReport}. */
    static final class Stats {
        long files;
        long bytes;
        int uploaded;
        int discarded;
        long failed;
        final List<String> clashes = new ArrayList<>();
        /** On the loop thread (its own statements: finalizing, marking, balancing, failed rows). */
        long sourceNanos;
        long stateNanos;
        /** On the claim thread (claims and admission), off the loop thread's critical path. */
        long claimSourceNanos;
        long claimStateNanos;
        long fetchNanos;
        long packNanos;
        long uploadNanos;
    }

    private final S3Client s3;
    private final S3Objects objects;
    private final PackerOptions o;
    private final ContainerCatalog catalog;
    private final PackerSupport support;
    private final Map<String, SourceConnector> byName;
    /** Whether this packer may still write to a shard (its lock is held and was not lost). */
    private final IntPredicate writable;
    private final Map<Integer, Open> open = new ConcurrentHashMap<>();
    private final Stats stats = new Stats();
    /** Admission against taking containers out of {@link #open} (see the class comment). */
    private final Object lock = new Object();
    /** S3 time of the containers opened in the current admission (their sinks: existence check, multipart start). */
    private long openS3Nanos;
    /** Uploads containers finalized together in parallel, and checks new containers' keys in parallel. */
    private final ExecutorService finalizePool = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "des-packer-finalize");
        t.setDaemon(true);
        return t;
    });

    PackerContainers(S3Client s3, PackerOptions o, ContainerCatalog catalog, PackerSupport support,
                     Map<String, SourceConnector> byName, IntPredicate writable) {
        this.s3 = s3;
        this.objects = S3Objects.create(s3);
        this.o = o;
        this.catalog = catalog;
        this.support = support;
        this.byName = byName;
        this.writable = writable;
    }

    /** The open containers by shard (the packer's loop adds through {@link #open}, finalizing removes). */
    Map<Integer, Open> byShard() {
        return open;
    }

    Stats stats() {
        return stats;
    }

    /** Opens a container for {@code shard} and {@code day}: a part reserved in the catalogue, a key never overwritten. */
    Open open(int shard, LocalDate day) {
        return openFrom(shard, day, 1);
    }

    private Open openFrom(int shard, LocalDate day, int firstPart) {
        int minPart = firstPart;
        for (int attempt = 0; attempt < 20; attempt++) {
            Container c = catalog.reserve(shard, day, o.bucket(), o.destPrefix(), o.holder(), Instant.now(), minPart);
            long s0 = System.nanoTime();
            try {
                S3DesSink sink;
                try {
                    sink = S3DesSink.builder(s3, o.bucket(), c.s3Key()).partSize(Math.max(5 << 20, o.partSize()))
                            .build();
                } finally {
                    openS3Nanos += System.nanoTime() - s0;
                }
                Open op = new Open();
                op.c = c;
                op.writer = DesWriter.builder(sink).externalThreshold(o.externalThreshold())
                        .externalStore(PackerSupport.noOverwrite(s3, o.bucket()), c.externalPrefix()).build();
                open.put(shard, op);
                o.listener().onContainerOpened(c);
                return op;
            } catch (DesOutputExistsException e) {
                // an object we did not write is under the key: leave it alone, take the next part
                LOG.warn("container key s3://{}/{} is taken by an object not in the catalogue; using the next part",
                        o.bucket(), c.s3Key());
                catalog.transition(c.id(), ContainerState.WRITING, ContainerState.DISCARDED, Instant.now());
                catalog.setVerified(c.id(), "foreign-object");  // the object under the key is not ours
                minPart = c.part() + 1;
            }
        }
        throw new DesIngestException("shard " + shard + ": 20 container keys in a row were taken in s3://"
                + o.bucket() + "; check the bucket and --dest-prefix");
    }

    /**
     * Opens containers for several shards of {@code day} at once: their parts reserved in one catalogue transaction,
     * the sinks' existence checks in parallel; a shard whose key is taken falls back to {@link #open(int, LocalDate)}
     * (the next part). The first claim of a run opens one per held shard.
     */
    void openAll(Set<Integer> shards, LocalDate day) {
        if (shards.size() < 2) {
            return;     // one: open() does it
        }
        Map<Integer, Container> reserved = catalog.reserveAll(shards, day, o.bucket(), o.destPrefix(), o.holder(),
                Instant.now());
        Map<Integer, Future<S3DesSink>> sinks = new LinkedHashMap<>();
        for (Container c : reserved.values()) {
            sinks.put(c.shardId(), finalizePool.submit(() -> S3DesSink.builder(s3, o.bucket(), c.s3Key())
                    .partSize(Math.max(5 << 20, o.partSize())).build()));
        }
        RuntimeException first = null;
        for (Container c : reserved.values()) {
            try {
                long s0 = System.nanoTime();
                S3DesSink sink;
                try {
                    sink = sinks.get(c.shardId()).get();
                } finally {
                    openS3Nanos += System.nanoTime() - s0;
                }
                Open op = new Open();
                op.c = c;
                op.writer = DesWriter.builder(sink).externalThreshold(o.externalThreshold())
                        .externalStore(PackerSupport.noOverwrite(s3, o.bucket()), c.externalPrefix()).build();
                open.put(c.shardId(), op);
                o.listener().onContainerOpened(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                catalog.deleteEmpty(c.id());
                first = first != null ? first : new DesIngestException("interrupted while opening containers", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof DesOutputExistsException) {
                    LOG.warn("container key s3://{}/{} is taken by an object not in the catalogue; using the next part",
                            o.bucket(), c.s3Key());
                    catalog.transition(c.id(), ContainerState.WRITING, ContainerState.DISCARDED, Instant.now());
                    catalog.setVerified(c.id(), "foreign-object");  // the object under the key is not ours
                    try {
                        openFrom(c.shardId(), day, c.part() + 1);
                    } catch (RuntimeException re) {
                        first = first != null ? first : re;
                    }
                } else {
                    catalog.deleteEmpty(c.id());    // nothing was written under its key
                    first = first != null ? first : e.getCause() instanceof RuntimeException re ? re
                            : new DesIngestException("cannot open container " + c.s3Key(), e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Step 1 of the protocol for a page of candidate rows: assigns the rows of writable shards to open containers
     * (opening them), entry names (clashes resolved) and DES names, records the claims in the ledger (the fence between
     * packers), then claims the recorded rows in the source ({@link SourceConnector#claimRecorded}); a recorded row the
     * source refused (someone else took it since the page was read) has its claim deleted and its place given back.
     * Returns the rows taken, fills {@code assigned} and {@code ops} by row id. All under the containers' lock, so a
     * container given up meanwhile ({@link #discard}) waits until its rows are claimed and then releases them.
     * {@code nanos} gains the state database's time ([0]), the source's ([1]) and S3's (containers opened: [2]).
     */
    List<SourceRow> admit(SourceConnector src, List<SourceRow> locked, Map<String, ClaimLedger.Assignment> assigned,
                          Map<String, Open> ops, SnowflakeNames names, ClaimLedger claims, long[] nanos) {
        synchronized (lock) {
            long db0 = System.nanoTime();
            openS3Nanos = 0;
            Instant now = Instant.now();
            LocalDate today = LocalDate.now(o.zone());
            Set<Integer> toOpen = new java.util.TreeSet<>();
            for (SourceRow r : locked) {
                if (!open.containsKey(r.shard()) && writable.test(r.shard())) {
                    toOpen.add(r.shard());
                }
            }
            openAll(toOpen, today);
            long db1 = System.nanoTime();
            long opening = 0;       // a container opened one at a time below (part K >= 2): state database too
            List<ClaimLedger.Assignment> list = new ArrayList<>();
            for (SourceRow r : locked) {
                if (!writable.test(r.shard())) {
                    continue;
                }
                Open op = open.get(r.shard());
                if (op == null) {
                    long o0 = System.nanoTime();
                    op = open(r.shard(), today);
                    opening += System.nanoTime() - o0;
                    if (op == null) {
                        continue;
                    }
                }
                long est = PackerSupport.estimate(r, o.externalThreshold());
                if (op.full || (o.maxFiles() > 0 && op.assigned >= o.maxFiles())
                        || (op.assigned > 0 && op.assignedBytes + est > o.maxBytes())) {
                    op.full = true;
                    continue;
                }
                String base = PackerSupport.entryName(r);
                String name = PackerSupport.resolveClash(base, r, op.names);
                if (!name.equals(base)) {
                    synchronized (stats) {
                        stats.clashes.add(op.c.s3Key() + ": " + base + " -> " + name);
                    }
                    LOG.warn("container {}: entry name '{}' taken; row {}/{} stored as '{}'", op.c.s3Key(), base,
                            r.source(), r.id(), name);
                }
                // the row's own DES name, else one of ours, which the marker catalogue's replaces when recorded
                String desName = r.desName() != null ? r.desName() : names.next(today);
                op.names.add(name);
                op.assigned++;
                op.assignedBytes += est;
                list.add(new ClaimLedger.Assignment(r, op.c.id(), name, desName));
            }
            long db2 = System.nanoTime();
            Map<String, String> recorded;
            try {
                recorded = claims.record(list, o.holder(), now);
            } catch (RuntimeException e) {
                list.forEach(this::undo);   // one statement (PostgreSQL) or one transaction: nothing was recorded
                throw e;
            } finally {
                // the catalogue lookup, the containers reserved and the claims recorded; naming the entries is not,
                // nor are the S3 requests that start the containers' uploads (upload time)
                nanos[0] += (db1 - db0) + opening + (System.nanoTime() - db2) - openS3Nanos;
                nanos[2] += openS3Nanos;
            }
            List<SourceRow> toClaim = new ArrayList<>(recorded.size());
            for (int i = 0; i < list.size(); i++) {
                ClaimLedger.Assignment a = list.get(i);
                String desName = recorded.get(a.row().id());
                if (desName != null) {
                    a = new ClaimLedger.Assignment(a.row().withDesName(desName), a.containerId(), a.entryName(),
                            desName);
                    list.set(i, a);
                    toClaim.add(a.row());
                }
            }
            long s0 = System.nanoTime();
            Set<String> claimed;
            try {
                claimed = src.claimRecorded(toClaim, o.holder(), now);
            } catch (RuntimeException e) {
                // nothing was claimed in the source (its statement or transaction failed as a whole): the claims
                // just recorded are taken back, and the rows stay pending for the next claim
                withdraw(src, toClaim, claims, e);
                list.forEach(this::undo);
                throw e;
            } finally {
                nanos[1] += System.nanoTime() - s0;
            }
            List<SourceRow> refused = toClaim.stream().filter(r -> !claimed.contains(r.id())).toList();
            if (!refused.isEmpty()) {
                long d0 = System.nanoTime();
                LOG.info("source {}: {} of {} rows were taken by someone else since they were read; their claims are "
                        + "withdrawn", src.name(), refused.size(), toClaim.size());
                withdraw(src, refused, claims, null);     // the claimed rows are taken all the same
                nanos[0] += System.nanoTime() - d0;
            }
            List<SourceRow> out = new ArrayList<>();
            for (ClaimLedger.Assignment a : list) {
                Open op = open.get(a.row().shard());
                if (claimed.contains(a.row().id())) {
                    assigned.put(a.row().id(), a);
                    ops.put(a.row().id(), op);
                    op.inflight.incrementAndGet();
                    out.add(a.row());
                    String base = PackerSupport.entryName(a.row());
                    if (!a.entryName().equals(base)) {
                        o.listener().onNameClash(op.c.id(), base, a.entryName(), a.row());
                    }
                } else {
                    undo(a);
                }
            }
            return out;
        }
    }

    /** Gives back the place in its container of an assignment not taken. Under {@link #lock}. */
    private void undo(ClaimLedger.Assignment a) {
        Open op = open.get(a.row().shard());
        if (op != null && op.c.id() == a.containerId()) {
            op.names.remove(a.entryName());
            op.assigned--;
            op.assignedBytes -= PackerSupport.estimate(a.row(), o.externalThreshold());
        }
    }

    /**
     * Deletes the ledger claims of rows not taken. A failure is logged (and added to {@code cause}, the failure that
     * made them not taken, if any), not thrown: those claims are cleared with their container's (step 6).
     */
    private static void withdraw(SourceConnector src, List<SourceRow> rows, ClaimLedger claims,
                                 RuntimeException cause) {
        try {
            claims.delete(src.name(), rows.stream().map(SourceRow::id).toList());
        } catch (RuntimeException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            }
            LOG.warn("source {}: cannot withdraw {} claims ({}); they are cleared with their container's", src.name(),
                    rows.size(), e.toString());
        }
    }

    /**
     * Finalizes the containers that are due and have no rows in flight: of an earlier day than today (in the
     * packer's zone), full (by size or entry count), or all of them when the packer is stopping.
     */
    void finalizeDue(boolean stopping) {
        LocalDate today = LocalDate.now(o.zone());
        java.util.function.Predicate<Open> due = op -> op.inflight.get() == 0 && (!op.c.day().equals(today) || op.full
                || (o.maxFiles() > 0 && op.added.size() >= o.maxFiles()) || stopping);
        finalizeAll(take(due));
    }

    /**
     * Takes the open containers that pass {@code due} out of {@link #open}, under the lock (so no admission adds rows
     * to them meanwhile); looks first without it, so the loop thread waits for an admission only when one is due.
     */
    private List<Open> take(java.util.function.Predicate<Open> due) {
        if (open.values().stream().noneMatch(due)) {
            return List.of();
        }
        List<Open> out = new ArrayList<>();
        synchronized (lock) {
            for (Open op : List.copyOf(open.values())) {
                if (due.test(op) && open.remove(op.c.shardId(), op)) {
                    out.add(op);
                }
            }
        }
        return out;
    }

    /** Finalizes the containers nothing was added to for the packer's idle time. */
    void finalizeIdle() {
        long idle = o.idleFinalize().toNanos();
        finalizeAll(take(op -> op.inflight.get() == 0 && System.nanoTime() - op.lastAddNanos >= idle));
    }

    /**
     * Finalizes several containers at once: step 3 (UPLOADING) for all of them in one state transaction, their
     * uploads in parallel (one on this thread, the rest on the finalize threads), step 4 (UPLOADED, name index) for
     * all in one state transaction, then steps 5-6 together ({@link #complete}). Each container still goes through
     * every step in order, each durable before the next side effect; returns when all are done.
     */
    void finalizeAll(List<Open> ops) {
        if (ops.isEmpty()) {
            return;
        }
        synchronized (lock) {
            for (Open op : ops) {
                open.remove(op.c.shardId(), op);
            }
        }
        long t = System.nanoTime();
        RuntimeException first = null;
        List<Open> moving = new ArrayList<>();
        for (Open op : ops) {
            try {
                if (op.added.isEmpty()) {
                    op.writer.close();
                    catalog.deleteEmpty(op.c.id());
                } else if (!writable.test(op.c.shardId())) {
                    discard(op, "the lock of shard " + op.c.shardId() + " was lost before the upload");
                } else {
                    moving.add(op);
                }
            } catch (RuntimeException e) {
                first = first != null ? first : e;
            }
        }
        Set<Long> moved;
        try {
            moved = catalog.transitionAll(moving.stream().map(op -> op.c.id()).toList(), ContainerState.WRITING,
                    ContainerState.UPLOADING, Instant.now());
        } catch (RuntimeException e) {
            // nothing was uploaded: the containers stay WRITING with their multipart uploads; recovery discards them
            moving.forEach(op -> op.writer.close());
            throw first != null ? first : e;
        }
        List<Open> going = new ArrayList<>();
        for (Open op : moving) {
            if (moved.contains(op.c.id())) {
                going.add(op);
            } else {
                op.writer.close();
                LOG.warn("container {} is no longer WRITING (recovery took it); not uploading it", op.c.s3Key());
            }
        }
        synchronized (stats) {
            stats.stateNanos += System.nanoTime() - t;
        }
        for (Open op : going) {
            o.listener().onStep("uploading", op.c);
        }
        long up = System.nanoTime();
        List<Future<Finished>> fs = new ArrayList<>();
        for (Open op : going.subList(Math.min(1, going.size()), going.size())) {
            fs.add(finalizePool.submit(() -> finish(op)));
        }
        List<Finished> finished = new ArrayList<>();
        if (!going.isEmpty()) {
            try {
                finished.add(finish(going.get(0)));
            } catch (RuntimeException e) {
                first = first != null ? first : e;
            }
        }
        for (Future<Finished> f : fs) {
            try {
                finished.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                first = first != null ? first : new DesIngestException("interrupted while finalizing", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof RuntimeException re ? re
                            : new DesIngestException("cannot finalize a container", e.getCause());
                }
            }
        }
        synchronized (stats) {
            stats.uploadNanos += System.nanoTime() - up;
        }
        long t2 = System.nanoTime();
        List<ContainerCatalog.Upload> ups = new ArrayList<>();
        Map<Long, Finished> byId = new HashMap<>();
        for (Finished f : finished) {
            if (f.head().isEmpty()) {
                try {
                    discardUploading(f.op(), "the upload did not complete");
                } catch (RuntimeException e) {
                    first = first != null ? first : e;
                }
                continue;
            }
            byId.put(f.op().c.id(), f);
            ups.add(new ContainerCatalog.Upload(f.op().c.id(), f.op().added.size(), f.dataBytes(),
                    f.head().get().size(), f.head().get().eTag()));
        }
        List<Uploaded> done = new ArrayList<>();
        try {
            Set<Long> recorded = catalog.markUploadedAll(ups, Instant.now());
            for (ContainerCatalog.Upload u : ups) {
                Finished f = byId.get(u.id());
                if (recorded.contains(u.id())) {
                    o.listener().onStep("uploaded", f.op().c);
                    done.add(new Uploaded(f.op(), f.dataBytes()));
                    continue;
                }
                // recovery gave the container up while we uploaded (our lock had expired): its rows went back to
                // pending and may be packed elsewhere, so the object we just wrote must not stay
                LOG.warn("container {} was discarded by recovery while it uploaded; deleting the object it wrote",
                        f.op().c.s3Key());
                objects.delete(o.bucket(), f.op().c.s3Key());
                synchronized (stats) {
                    stats.discarded++;
                }
                o.listener().onContainerDiscarded(f.op().c, "discarded by recovery during the upload");
            }
        } catch (RuntimeException e) {
            // the containers stay UPLOADING with their objects: recovery reads them back and finishes them
            first = first != null ? first : e;
        }
        synchronized (stats) {
            stats.stateNanos += System.nanoTime() - t2;
        }
        complete(done);     // the uploaded ones are marked and DONE even when another failed
        if (first != null) {
            throw first;
        }
    }

    /** A container whose upload was completed (or not: no object), before step 4. */
    private record Finished(Open op, long dataBytes, Optional<RemoteObject> head) {}

    /** The upload of one UPLOADING container: {@code finish()} (the archive appears whole or not at all), HEAD. */
    private Finished finish(Open op) {
        DesWriteReport rep = null;
        try {
            rep = op.writer.finish();
        } catch (RuntimeException e) {
            op.writer.close();
            LOG.warn("container {}: the upload failed ({}); checking the store", op.c.s3Key(), e.toString());
        }
        Optional<RemoteObject> head = objects.head(o.bucket(), op.c.s3Key());
        long dataBytes = 0;
        for (PackerSupport.Added a : op.added) {
            dataBytes += a.row().sizeBytes();
        }
        if (rep != null) {
            dataBytes = rep.dataBytes() + rep.externalBytes();
        }
        return new Finished(op, dataBytes, head);
    }

    /** A container whose archive is uploaded and recorded UPLOADED (step 3), before its rows are marked. */
    private record Uploaded(Open op, long dataBytes) {}

    /** Steps 2-5 of the protocol for one container; an empty one is removed, a failed upload given up. */
    void finalizeContainer(Open op) {
        finalizeAll(List.of(op));
    }

    /**
     * Steps 4-5 for uploaded containers together: their rows marked packed with one transaction per source, then all
     * of them DONE (claims cleared) in one state transaction. Each step is idempotent, so recovery redoes it after a
     * crash in between.
     */
    private void complete(List<Uploaded> done) {
        if (done.isEmpty()) {
            return;
        }
        long s = System.nanoTime();
        Map<String, List<SourceConnector.Packed>> bySource = new LinkedHashMap<>();
        for (Uploaded u : done) {
            for (PackerSupport.Added a : u.op().added) {
                bySource.computeIfAbsent(a.row().source(), k -> new ArrayList<>())
                        .add(new SourceConnector.Packed(a.row().id(), a.desName(), u.op().c.id()));
            }
        }
        bySource.forEach((name, list) -> byName.get(name).markPacked(list, Instant.now()));
        long s2 = System.nanoTime();
        for (Uploaded u : done) {
            o.listener().onStep("marked", u.op().c);
        }
        support.finish(done.stream().map(u -> u.op().c.id()).toList(), Instant.now());
        long end = System.nanoTime();
        synchronized (stats) {
            stats.sourceNanos += s2 - s;
            stats.stateNanos += end - s2;
            for (Uploaded u : done) {
                stats.files += u.op().added.size();
                stats.bytes += u.dataBytes();
                stats.uploaded++;
            }
        }
        for (Uploaded u : done) {
            Open op = u.op();
            String shard = Integer.toString(op.c.shardId());
            o.registry().counter("des_packer_files_packed_total", "shard_id", shard).increment(op.added.size());
            o.registry().counter("des_packer_bytes_packed_total", "shard_id", shard).increment(u.dataBytes());
            if (o.listener() != PackerSupport.NO_LISTENER) {
                // the catalogue's row as uploaded, for the listener alone: one read per container, skipped without one
                o.listener().onContainerUploaded(catalog.get(op.c.id()).orElse(op.c), op.added.size());
            }
        }
    }

    void discard(Open op, String reason) {
        synchronized (lock) {
            // an admission under way records its claims first, so releasing the container's rows finds them
            open.remove(op.c.shardId(), op);
        }
        op.writer.close();
        catalog.transition(op.c.id(), ContainerState.WRITING, ContainerState.DISCARDED, Instant.now());
        releaseRows(op, reason);
    }

    private void discardUploading(Open op, String reason) {
        catalog.transition(op.c.id(), ContainerState.UPLOADING, ContainerState.DISCARDED, Instant.now());
        releaseRows(op, reason);
    }

    private void releaseRows(Open op, String reason) {
        support.releaseContainer(op.c.id(), byName);
        synchronized (stats) {
            stats.discarded++;
        }
        LOG.warn("container {} given up: {}; its rows went back to pending", op.c.s3Key(), reason);
        o.listener().onContainerDiscarded(op.c, reason);
    }

    /** Stops the finalize threads. */
    void close() {
        finalizePool.shutdownNow();
    }
}
