package io.stowage.des.ingest;

import io.micrometer.core.instrument.Tags;
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

import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The distributed packer: holds shard locks, claims pending source rows of its shards in batches, fetches their
 * objects from S3 in parallel and writes them straight into one open container per shard and day (an
 * {@link S3DesSink} multipart upload), rolls over by day, size and entry count, and finalizes with the exactly-once
 * protocol of docs/des-ingest.md (WRITING → UPLOADING → UPLOADED (catalogue + name index) → rows marked → DONE).
 * {@link #stop()} (SIGTERM) finishes the current batch, finalizes, uploads, marks and releases the locks.
 *
 * <pre>{@code
 * try (IngestDatabase db = IngestDatabase.open("jdbc:postgresql://db/des?user=des");
 *      SourceConnector src = SourceConnector.open(SourceConfig.load(Path.of("sources.yaml")).sources().get(0));
 *      DesPacker p = DesPacker.create(db, List.of(src), s3, PackerOptions.defaults("des-archives"))) {
 *     Runtime.getRuntime().addShutdownHook(new Thread(p::stopAndWait));
 *     PackerReport r = p.run();
 * }
 * }</pre>
 *
 * <p>{@link #run()} runs on the caller's thread; {@link #stop()} may be called from any thread.
 */
public final class DesPacker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DesPacker.class);

    private final IngestDatabase db;
    private final List<SourceConnector> sources;
    private final Map<String, SourceConnector> byName = new LinkedHashMap<>();
    private final S3Client s3;
    private final S3Objects objects;
    private final PackerOptions o;
    private final ContainerCatalog catalog;
    private final ClaimLedger claims;
    private final PackerSupport support;
    private final Set<Integer> universe;
    private final ExecutorService fetchPool;
    /** Finalizes containers in parallel (uploads, catalogue and source transactions are per container). */
    private final ExecutorService finalizePool;
    private final Map<Integer, Open> open = new ConcurrentHashMap<>();
    private final Set<Integer> lost = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> loopNanos = new ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private ShardLocks locks;
    private NodeIdLease lease;
    private SnowflakeNames names;
    private final Stats stats = new Stats();

    /** One open container of a shard. */
    private static final class Open {
        Container c;
        DesWriter writer;
        final Set<String> names = new java.util.HashSet<>();
        final List<PackerSupport.Added> added = new ArrayList<>();
        int assigned;
        long assignedBytes;
        /** Rows admitted to this container whose bodies are still being fetched (it is not finalized meanwhile). */
        int inflight;
        boolean full;
        long lastAddNanos = System.nanoTime();
    }

    /** A claimed batch whose bodies are being fetched while the next batch is claimed. */
    private record Batch(SourceConnector src, List<SourceRow> rows, Map<String, ClaimLedger.Assignment> assigned,
                         Map<String, Open> ops, List<Future<PackerSupport.Fetched>> futures) {}

    /** Claimed batches being fetched, oldest first: up to {@link #AHEAD} wait while the oldest is written. */
    private final java.util.ArrayDeque<Batch> inflight = new java.util.ArrayDeque<>();

    /** Batches claimed ahead of the one being written, so the GETs never wait on a claim's round trips. */
    private static final int AHEAD = 2;

    private static final class Stats {
        long files;
        long bytes;
        int uploaded;
        int discarded;
        long failed;
        final List<String> clashes = new ArrayList<>();
        long sourceNanos;
        long stateNanos;
        long fetchNanos;
        long packNanos;
        long uploadNanos;
    }

    private DesPacker(IngestDatabase db, List<SourceConnector> sources, S3Client s3, PackerOptions options) {
        this.db = Objects.requireNonNull(db, "db");
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) {
            throw new DesIngestConfigException("sources", "no enabled source: the packer needs at least one");
        }
        int bits = this.sources.get(0).source().shardBits();
        for (SourceConnector c : this.sources) {
            byName.put(c.name(), c);
            if (c.source().shardBits() != bits) {
                throw new DesIngestConfigException("sources." + c.name() + ".shard_bits", "source '" + c.name()
                        + "' has shard_bits " + c.source().shardBits() + " but '" + this.sources.get(0).name()
                        + "' has " + bits + "; every source of one packer must use the same shard_bits (containers"
                        + " are per shard)");
            }
        }
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.objects = S3Objects.create(s3);
        this.o = Objects.requireNonNull(options, "options");
        this.catalog = ContainerCatalog.of(db);
        this.claims = new ClaimLedger(db);
        this.support = new PackerSupport(db, o.registry());
        Set<Integer> u = new TreeSet<>();
        if (o.shards().isEmpty()) {
            for (int i = 0; i < (1 << bits); i++) {
                u.add(i);
            }
        } else {
            for (int s : o.shards()) {
                if (s < 0 || s >= (1 << bits)) {
                    throw new DesIngestConfigException("shards", "shard " + s + " is outside 0.." + ((1 << bits) - 1)
                            + " (shard_bits " + bits + ")");
                }
                u.add(s);
            }
        }
        this.universe = u;
        this.fetchPool = Executors.newFixedThreadPool(o.fetchThreads(), r -> {
            Thread t = new Thread(r, "des-packer-fetch");
            t.setDaemon(true);
            return t;
        });
        this.finalizePool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "des-packer-finalize");
            t.setDaemon(true);
            return t;
        });
    }

    /** A packer over migrated state {@code db} (see {@link IngestDatabase#migrate()}), the sources and S3. */
    public static DesPacker create(IngestDatabase db, List<SourceConnector> sources, S3Client s3,
                                   PackerOptions options) {
        return new DesPacker(db, sources, s3, options);
    }

    /** Asks {@link #run()} to finish the current batch, finalize, upload, mark, release its locks and return. */
    public void stop() {
        stopRequested = true;
    }

    /** {@link #stop()}, then waits (up to 10 minutes) until {@link #run()} has returned: for shutdown hooks. */
    public void stopAndWait() {
        stop();
        try {
            finished.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Packs until {@link #stop()} (or, with {@code exitWhenIdle}, until nothing is pending), then finalizes every
     * open container and releases its locks.
     */
    public PackerReport run() {
        long t0 = System.nanoTime();
        try {
            start();
            CrashRecovery recovery = CrashRecovery.create(db, sources, s3, RecoveryOptions.defaults(o.bucket())
                    .withRegistry(o.registry()).withHolder(o.holder()).withVerifyPerRun(2));
            recovery.run();
            long lastRecovery = System.nanoTime();
            long lastBalance = 0;
            int idleRounds = 0;
            while (!stopRequested) {
                long loopStart = System.nanoTime();
                if (lease.isLost()) {
                    renewLease();
                }
                if (loopStart - lastBalance > o.lockTtl().toNanos() / 2 || locks.held().isEmpty()) {
                    rebalance();
                    lastBalance = System.nanoTime();
                }
                if (loopStart - lastRecovery > o.recoveryInterval().toNanos()) {
                    recovery.run();
                    lastRecovery = System.nanoTime();
                }
                dropLostShards();
                rollDay();
                int claimed = claimRound();
                finalizeFull();
                long loopEnd = System.nanoTime();
                for (int s : open.keySet()) {
                    loopNanos.computeIfAbsent(s, k -> {
                        AtomicLong a = new AtomicLong();
                        o.registry().gauge("des_packer_loop_duration_seconds", Tags.of("shard_id", Integer.toString(k)),
                                a, v -> v.get() / 1e9);
                        return a;
                    }).set(loopEnd - loopStart);
                }
                if (claimed == 0) {
                    finalizeIdle();
                    idleRounds++;
                    if (o.exitWhenIdle() && open.isEmpty() && idleRounds >= 2 && nothingPending()) {
                        break;
                    }
                    sleep(o.pollInterval().toMillis());
                } else {
                    idleRounds = 0;
                }
            }
            return report(t0);
        } finally {
            try {
                try {
                    drain();
                } catch (RuntimeException e) {
                    LOG.error("cannot write the last batch at shutdown ({}); recovery releases its rows", e.toString());
                }
                for (Open op : List.copyOf(open.values())) {
                    try {
                        finalizeContainer(op);
                    } catch (RuntimeException e) {
                        LOG.error("container {}: cannot finalize at shutdown ({}); recovery will finish or discard it",
                                op.c.s3Key(), e.toString());
                    }
                }
                open.clear();
            } finally {
                if (locks != null) {
                    locks.close();
                }
                support.unregister(o.holder());
                if (lease != null) {
                    lease.close();
                }
                finished.countDown();
            }
        }
    }

    private PackerReport report(long t0) {
        return new PackerReport(stats.files, stats.bytes, stats.uploaded, stats.discarded, stats.failed, stats.clashes,
                stopRequested, (System.nanoTime() - t0) / 1e9, stats.sourceNanos / 1e9, stats.stateNanos / 1e9,
                stats.fetchNanos / 1e9, stats.packNanos / 1e9, stats.uploadNanos / 1e9);
    }

    private void start() {
        locks = ShardLocks.create(db, o.holder(), o.lockTtl(), new ShardLocks.Listener() {
            @Override
            public void onAcquired(int shard) {
                lost.remove(shard);
                o.listener().onLockAcquired(shard);
            }

            @Override
            public void onLost(int shard, String reason) {
                lost.add(shard);
                o.listener().onLockLost(shard, reason);
            }
        }, o.registry());
        renewLease();
    }

    private void renewLease() {
        if (lease != null) {
            lease.close();
        }
        lease = support.leaseNodeId(o.holder());
        names = SnowflakeNames.create(o.namePrefix(), lease.nodeId());
    }

    /** Takes free shards up to this packer's share; gives back (finalizing first) what is above it. */
    private void rebalance() {
        long t = System.nanoTime();
        Instant now = Instant.now();
        int packers = support.heartbeat(o.holder(), now, o.lockTtl());
        int target = o.maxShards() > 0 ? o.maxShards() : (universe.size() + packers - 1) / Math.max(1, packers);
        Map<Integer, String> live = ShardLocks.liveHolders(db, now);
        Set<Integer> held = locks.held();
        if (held.size() < target) {
            List<Integer> free = new ArrayList<>();
            for (int s : universe) {
                if (!held.contains(s) && !live.containsKey(s)) {
                    free.add(s);
                }
            }
            java.util.Collections.rotate(free, Math.abs(o.holder().hashCode()) % Math.max(1, free.size()));
            for (int s : free) {
                if (held.size() >= target) {
                    break;
                }
                if (locks.tryAcquire(s)) {
                    held.add(s);
                }
            }
        } else if (held.size() > target && o.maxShards() == 0) {
            List<Integer> extra = new ArrayList<>(held);
            for (int i = 0; i < held.size() - target && i < extra.size(); i++) {
                int s = extra.get(extra.size() - 1 - i);
                Open op = open.get(s);
                if (op != null && op.inflight > 0) {
                    continue;       // give it away once its batch is written
                }
                if (op != null) {
                    finalizeContainer(op);
                }
                locks.release(s);
            }
        }
        stats.stateNanos += System.nanoTime() - t;
    }

    private boolean nothingPending() {
        for (SourceConnector c : sources) {
            Map<String, Long> counts = c.countByStatus();
            if (counts.getOrDefault(c.source().table().statusPendingValue(), 0L) > 0
                    || counts.getOrDefault(c.source().table().statusClaimedValue(), 0L) > 0) {
                return false;
            }
        }
        return true;
    }

    private void dropLostShards() {
        for (Integer s : Set.copyOf(lost)) {
            Open op = open.get(s);
            if (op != null) {
                discard(op, "the lock of shard " + s + " was lost");
            }
            lost.remove(s);
        }
    }

    private void rollDay() {
        LocalDate today = LocalDate.now(o.zone());
        List<Open> due = new ArrayList<>();
        for (Open op : List.copyOf(open.values())) {
            if (op.inflight == 0 && !op.c.day().equals(today)) {
                due.add(op);
            }
        }
        finalizeAll(due);
    }

    private int claimRound() {
        Set<Integer> held = locks.held();
        held.removeAll(lost);
        if (held.isEmpty()) {
            return 0;
        }
        int total = 0;
        for (SourceConnector src : sources) {
            if (stopRequested) {
                break;
            }
            Map<String, ClaimLedger.Assignment> assigned = new HashMap<>();
            Map<String, Open> ops = new HashMap<>();
            long t = System.nanoTime();
            long[] admitNanos = {0};
            List<SourceRow> rows = src.claim(held, o.holder(), src.source().batchSize(), Instant.now(), locked -> {
                long a = System.nanoTime();
                try {
                    return admit(src, locked, assigned, ops);
                } finally {
                    admitNanos[0] += System.nanoTime() - a;
                }
            });
            stats.sourceNanos += System.nanoTime() - t - admitNanos[0];
            stats.stateNanos += admitNanos[0];
            if (!rows.isEmpty()) {
                total += rows.size();
                o.listener().onStep("claimed", null);
                inflight.addLast(submit(src, rows, assigned, ops));
                while (inflight.size() > AHEAD) {
                    write(inflight.pollFirst());    // older batches are written while the newer ones are fetched
                }
            }
        }
        if (total == 0) {
            drain();
        }
        return total;
    }

    /** Writes the batches in flight, oldest first. */
    private void drain() {
        for (Batch b = inflight.pollFirst(); b != null; b = inflight.pollFirst()) {
            write(b);
        }
    }

    /** Inside the source transaction: assigns containers, entry and DES names, records the claims. */
    private List<SourceRow> admit(SourceConnector src, List<SourceRow> locked,
                                  Map<String, ClaimLedger.Assignment> assigned, Map<String, Open> ops) {
        Instant now = Instant.now();
        LocalDate today = LocalDate.now(o.zone());
        Map<String, String> catalogueNames = support.catalogueNames(locked);
        List<ClaimLedger.Assignment> list = new ArrayList<>();
        Map<String, SourceRow> byId = new HashMap<>();
        for (SourceRow r : locked) {
            if (!locks.isHeld(r.shard()) || lost.contains(r.shard())) {
                continue;
            }
            Open op = open.get(r.shard());
            if (op == null) {
                op = openContainer(r.shard(), today);
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
                stats.clashes.add(op.c.s3Key() + ": " + base + " -> " + name);
                LOG.warn("container {}: entry name '{}' taken; row {}/{} stored as '{}'", op.c.s3Key(), base,
                        r.source(), r.id(), name);
            }
            String desName = r.desName() != null ? r.desName()
                    : catalogueNames.getOrDefault(r.bucket() + "\u0000" + r.key(), null);
            if (desName == null) {
                desName = names.next(today);
            }
            SourceRow named = r.withDesName(desName);
            op.names.add(name);
            op.assigned++;
            op.assignedBytes += est;
            list.add(new ClaimLedger.Assignment(named, op.c.id(), name, desName));
            byId.put(r.id(), named);
            if (!name.equals(base)) {
                o.listener().onNameClash(op.c.id(), base, name, named);
            }
        }
        Set<String> recorded = claims.record(list, o.holder(), now);
        List<SourceRow> out = new ArrayList<>();
        for (ClaimLedger.Assignment a : list) {
            Open op = open.get(a.row().shard());
            if (recorded.contains(a.row().id())) {
                assigned.put(a.row().id(), a);
                ops.put(a.row().id(), op);
                op.inflight++;
                out.add(byId.get(a.row().id()));
            } else if (op != null) {
                op.names.remove(a.entryName());
                op.assigned--;
                op.assignedBytes -= PackerSupport.estimate(a.row(), o.externalThreshold());
            }
        }
        return out;
    }

    private Open openContainer(int shard, LocalDate day) {
        int minPart = 1;
        for (int attempt = 0; attempt < 20; attempt++) {
            Container c = catalog.reserve(shard, day, o.bucket(), o.destPrefix(), o.holder(), Instant.now(), minPart);
            try {
                S3DesSink sink = S3DesSink.builder(s3, o.bucket(), c.s3Key()).partSize(Math.max(5 << 20,
                        o.partSize())).build();
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
                minPart = c.part() + 1;
            }
        }
        throw new DesIngestException("shard " + shard + ": 20 container keys in a row were taken in s3://"
                + o.bucket() + "; check the bucket and --dest-prefix");
    }

    private Batch submit(SourceConnector src, List<SourceRow> rows, Map<String, ClaimLedger.Assignment> assigned,
                         Map<String, Open> ops) {
        List<Future<PackerSupport.Fetched>> futures = new ArrayList<>(rows.size());
        for (SourceRow r : rows) {
            futures.add(fetchPool.submit(() -> PackerSupport.fetch(objects, r, o.externalThreshold())));
        }
        return new Batch(src, rows, assigned, ops, futures);
    }

    private void write(Batch b) {
        SourceConnector src = b.src();
        List<SourceRow> rows = b.rows();
        Map<String, ClaimLedger.Assignment> assigned = b.assigned();
        List<Future<PackerSupport.Fetched>> futures = b.futures();
        long t = System.nanoTime();
        List<PackerSupport.Fetched> fetched = new ArrayList<>(rows.size());
        for (Future<PackerSupport.Fetched> f : futures) {
            try {
                fetched.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DesIngestException("interrupted while fetching source objects", e);
            } catch (java.util.concurrent.ExecutionException e) {
                fetched.add(PackerSupport.Fetched.failed("cannot read: " + e.getCause()));
            }
        }
        stats.fetchNanos += System.nanoTime() - t;
        for (int i = 0; i < rows.size(); i++) {
            SourceRow r = rows.get(i);
            ClaimLedger.Assignment a = assigned.get(r.id());
            Open mine = b.ops().get(r.id());
            if (mine != null) {
                mine.inflight--;
            }
            Open op = open.get(r.shard());
            if (a == null || op == null || op != mine || op.c.id() != a.containerId()) {
                continue;   // its container was given up meanwhile: the row went back to pending with it
            }
            if (lost.contains(r.shard()) || !locks.isHeld(r.shard())) {
                discard(op, "the lock of shard " + r.shard() + " was lost");
                continue;
            }
            PackerSupport.Fetched f = fetched.get(i);
            if (f.error() != null) {
                failRow(src, r, f.error());
                continue;
            }
            long p = System.nanoTime();
            try {
                Map<String, Object> meta = PackerSupport.meta(r);
                if (f.bytes() != null) {
                    op.writer.add(a.entryName(), f.bytes(), meta);
                } else {
                    try (InputStream in = objects.get(r.bucket(), r.key())) {
                        op.writer.add(a.entryName(), in, f.size(), meta);
                    }
                }
            } catch (Exception e) {
                // the writer cannot go on after a failed entry: give the container up, fail this row
                LOG.warn("container {}: entry {} of row {}/{} failed ({}); the container is given up",
                        op.c.s3Key(), a.entryName(), r.source(), r.id(), e.toString());
                stats.packNanos += System.nanoTime() - p;
                claims.delete(r.source(), List.of(r.id()));
                src.markFailed(r.id(), "cannot pack s3://" + r.bucket() + "/" + r.key() + ": " + e.getMessage(),
                        Instant.now());
                stats.failed++;
                o.listener().onRowFailed(r, e.toString());
                discard(op, "entry " + a.entryName() + " failed: " + e);
                continue;
            }
            stats.packNanos += System.nanoTime() - p;
            op.added.add(new PackerSupport.Added(r, a.entryName(), a.desName()));
            op.lastAddNanos = System.nanoTime();
            o.listener().onEntryAdded(r.shard(), op.c.id(), r, a.entryName());
        }
    }

    private void failRow(SourceConnector src, SourceRow r, String reason) {
        long t = System.nanoTime();
        src.markFailed(r.id(), reason, Instant.now());
        claims.delete(r.source(), List.of(r.id()));
        stats.sourceNanos += System.nanoTime() - t;
        stats.failed++;
        LOG.warn("row {}/{} failed: {}", r.source(), r.id(), reason);
        o.listener().onRowFailed(r, reason);
    }

    private void finalizeFull() {
        List<Open> due = new ArrayList<>();
        for (Open op : List.copyOf(open.values())) {
            if (op.inflight > 0) {
                continue;
            }
            if (op.full || (o.maxFiles() > 0 && op.added.size() >= o.maxFiles()) || stopRequested) {
                due.add(op);
            }
        }
        finalizeAll(due);
    }

    private void finalizeIdle() {
        long idle = o.idleFinalize().toNanos();
        List<Open> due = new ArrayList<>();
        for (Open op : List.copyOf(open.values())) {
            if (op.inflight == 0 && System.nanoTime() - op.lastAddNanos >= idle) {
                due.add(op);
            }
        }
        finalizeAll(due);
    }

    /**
     * Finalizes several containers at once (their uploads and transactions are independent): one on this thread,
     * the rest on the finalize threads; returns when all are done.
     */
    private void finalizeAll(List<Open> ops) {
        if (ops.size() <= 1) {
            ops.forEach(this::finalizeContainer);
            return;
        }
        for (Open op : ops) {
            open.remove(op.c.shardId(), op);
        }
        List<Future<?>> fs = new ArrayList<>();
        for (Open op : ops.subList(1, ops.size())) {
            fs.add(finalizePool.submit(() -> finalizeContainer(op)));
        }
        RuntimeException first = null;
        try {
            finalizeContainer(ops.get(0));
        } catch (RuntimeException e) {
            first = e;
        }
        for (Future<?> f : fs) {
            try {
                f.get();
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
        if (first != null) {
            throw first;
        }
    }

    /** Steps 2-5 of the protocol for one container; an empty one is removed, a failed upload given up. */
    private void finalizeContainer(Open op) {
        open.remove(op.c.shardId(), op);
        long t = System.nanoTime();
        if (op.added.isEmpty()) {
            op.writer.close();
            catalog.deleteEmpty(op.c.id());
            return;
        }
        if (lost.contains(op.c.shardId()) || !locks.isHeld(op.c.shardId())) {
            discard(op, "the lock of shard " + op.c.shardId() + " was lost before the upload");
            return;
        }
        if (!catalog.transition(op.c.id(), ContainerState.WRITING, ContainerState.UPLOADING, Instant.now())) {
            op.writer.close();
            LOG.warn("container {} is no longer WRITING (recovery took it); not uploading it", op.c.s3Key());
            return;
        }
        o.listener().onStep("uploading", op.c);
        long up = System.nanoTime();
        DesWriteReport rep = null;
        try {
            rep = op.writer.finish();
        } catch (RuntimeException e) {
            op.writer.close();
            LOG.warn("container {}: the upload failed ({}); checking the store", op.c.s3Key(), e.toString());
        }
        Optional<RemoteObject> head = objects.head(o.bucket(), op.c.s3Key());
        long uploadTook = System.nanoTime() - up;
        synchronized (stats) {
            stats.uploadNanos += uploadTook;
        }
        if (head.isEmpty()) {
            discardUploading(op, "the upload did not complete");
            return;
        }
        long dataBytes = 0;
        for (PackerSupport.Added a : op.added) {
            dataBytes += a.row().sizeBytes();
        }
        if (rep != null) {
            dataBytes = rep.dataBytes() + rep.externalBytes();
        }
        if (!catalog.markUploaded(op.c.id(), op.added.size(), dataBytes, head.get().size(), head.get().eTag(),
                Instant.now())) {
            // recovery gave the container up while we uploaded (our lock had expired): its rows went back to
            // pending and may be packed elsewhere, so the object we just wrote must not stay
            LOG.warn("container {} was discarded by recovery while it uploaded; deleting the object it wrote",
                    op.c.s3Key());
            objects.delete(o.bucket(), op.c.s3Key());
            synchronized (stats) {
                stats.discarded++;
            }
            o.listener().onContainerDiscarded(op.c, "discarded by recovery during the upload");
            return;
        }
        o.listener().onStep("uploaded", op.c);
        long s = System.nanoTime();
        markRows(op.c.id(), op.added);
        long s2 = System.nanoTime();
        o.listener().onStep("marked", op.c);
        support.finish(op.c.id(), Instant.now());
        synchronized (stats) {
            stats.sourceNanos += s2 - s;
            stats.files += op.added.size();
            stats.bytes += dataBytes;
            stats.uploaded++;
            stats.stateNanos += (System.nanoTime() - t) - (s2 - s) - uploadTook;
        }
        String shard = Integer.toString(op.c.shardId());
        o.registry().counter("des_packer_files_packed_total", "shard_id", shard).increment(op.added.size());
        o.registry().counter("des_packer_bytes_packed_total", "shard_id", shard).increment(dataBytes);
        o.listener().onContainerUploaded(catalog.get(op.c.id()).orElse(op.c), op.added.size());
    }

    private void markRows(long containerId, List<PackerSupport.Added> added) {
        Map<String, List<SourceConnector.Packed>> bySource = new LinkedHashMap<>();
        for (PackerSupport.Added a : added) {
            bySource.computeIfAbsent(a.row().source(), k -> new ArrayList<>())
                    .add(new SourceConnector.Packed(a.row().id(), a.desName(), containerId));
        }
        bySource.forEach((name, list) -> byName.get(name).markPacked(list, Instant.now()));
    }

    private void discard(Open op, String reason) {
        open.remove(op.c.shardId(), op);
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the fetch threads (after {@link #run()} returned). */
    @Override
    public void close() {
        stop();
        fetchPool.shutdownNow();
        finalizePool.shutdownNow();
    }
}
