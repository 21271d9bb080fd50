package io.stowage.des.ingest;

import io.micrometer.core.instrument.Tags;
import io.stowage.des.SnowflakeNames;
import io.stowage.des.ingest.PackerContainers.Open;
import io.stowage.s3.S3Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final PackerContainers containers;
    private final Map<Integer, Open> open;
    private final Set<Integer> lost = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> loopNanos = new ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private ShardLocks locks;
    private NodeIdLease lease;
    /** Read by the claim thread (admission names rows), replaced by the loop thread when the lease is renewed. */
    private volatile SnowflakeNames names;
    private final PackerContainers.Stats stats;


    /** A claimed batch whose bodies are being fetched while the next batch is claimed. */
    private record Batch(SourceConnector src, List<SourceRow> rows, Map<String, ClaimLedger.Assignment> assigned,
                         Map<String, Open> ops, BatchFetch fetch) {}

    /** How often an exit-when-idle run says it is waiting for other packers' claimed rows. */
    private static final long WAIT_LOG_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Claimed batches being fetched, oldest first: up to {@link #AHEAD} wait while the oldest is written. */
    private final java.util.ArrayDeque<Batch> inflight = new java.util.ArrayDeque<>();

    /** Batches claimed ahead of the one being written, so the GETs never wait on a claim's round trips. */
    private static final int AHEAD = 2;

    /**
     * A claim done on the claim thread: its rows (claimed and admitted, committed), their assignments and containers,
     * and the seconds it spent in the source and the state database (off the loop thread).
     */
    private record Claimed(SourceConnector src, List<SourceRow> rows, Map<String, ClaimLedger.Assignment> assigned,
                           Map<String, Open> ops, long sourceNanos, long stateNanos, long namingNanos,
                           long uploadNanos) {}

    /**
     * Claims run here, one at a time, so the loop thread writes one batch while the next is claimed (the claim's
     * source and state round trips are off the loop thread's critical path). Admission into the open containers
     * happens on this thread, inside the source transaction, under {@link PackerContainers}' lock.
     */
    private final ExecutorService claimPool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "des-packer-claim");
        t.setDaemon(true);
        return t;
    });

    /** The claim running (or done) on the claim thread that the loop thread has not taken yet; null when none. */
    private Future<Claimed> outstanding;
    /** The source {@link #outstanding} claims from. */
    private SourceConnector outstandingSrc;
    /** Nanoseconds the loop thread waited for a claim's result (its database wait on the critical path). */
    private long claimWaitNanos;


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
        this.containers = new PackerContainers(s3, o, catalog, support, byName,
                s -> !lost.contains(s) && locks != null && locks.isHeld(s));
        this.open = containers.byShard();
        this.stats = containers.stats();
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
            long lastWaitLog = System.nanoTime() - WAIT_LOG_NANOS;
            while (!stopRequested) {
                long loopStart = System.nanoTime();
                if (lease.isLost()) {
                    awaitOutstanding();     // no claim names rows with the old lease's node id meanwhile
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
                containers.finalizeDue(stopRequested);
                int claimed = claimRound();
                containers.finalizeDue(stopRequested);
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
                    containers.finalizeIdle();
                    idleRounds++;
                    if (o.exitWhenIdle() && idleRounds >= 1) {
                        // --once, from the first empty round (the count below decides; an empty round has read the
                        // pending rows of the held shards to the end and wrapped): with nothing left to claim the open
                        // containers are due now, not after idleFinalize
                        // (their rows are ours, claimed); the exit still waits for other packers' claimed rows. One
                        // count of the sources per idle round: the claimed rows of ours are the ones in the open
                        // containers (nothing is in flight after an empty round), so the rest are others'.
                        long ours = 0;
                        for (Open op : open.values()) {
                            ours += op.added.size();
                        }
                        long[] pendingClaimed = countSources();
                        if (pendingClaimed[0] == 0) {
                            int discardedBefore = stats.discarded;
                            if (!open.isEmpty()) {
                                containers.finalizeDue(true);
                            }
                            // a container given up meanwhile put its rows back to pending: count again next round
                            long others = pendingClaimed[1] - ours;
                            if (open.isEmpty() && stats.discarded == discardedBefore && others <= 0) {
                                break;
                            }
                            if (others > 0 && System.nanoTime() - lastWaitLog > WAIT_LOG_NANOS) {
                                // beside a long-running packer this wait lasts up to its idle finalize: say so
                                lastWaitLog = System.nanoTime();
                                LOG.info("nothing pending; waiting for {} row(s) claimed by other packers to be packed "
                                        + "before exiting (a packer finalizes an open archive after its idle finalize, "
                                        + "--idle-finalize, default 5m; SIGTERM stops this one now)", others);
                            }
                        }
                    }
                    sleep(o.pollInterval().toMillis());
                } else {
                    idleRounds = 0;
                }
            }
        } finally {
            try {
                try {
                    // a claim still on the claim thread: its rows are claimed and admitted, so they are written too
                    submitOutstanding();
                } catch (RuntimeException e) {
                    LOG.error("the last claim failed at shutdown ({}); recovery releases its rows", e.toString());
                }
                try {
                    drain();
                } catch (RuntimeException e) {
                    LOG.error("cannot write the last batch at shutdown ({}); recovery releases its rows", e.toString());
                }
                for (Open op : List.copyOf(open.values())) {
                    try {
                        containers.finalizeContainer(op);
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
        // after the shutdown's finalizing (a stop finalizes the open containers above), so they are counted
        return report(t0);
    }

    private PackerReport report(long t0) {
        synchronized (stats) {
            // loop thread: its own statements plus its waits for a claim; summed: every thread's statements
            double loopDb = (stats.sourceNanos + stats.stateNanos + claimWaitNanos) / 1e9;
            return new PackerReport(stats.files, stats.bytes, stats.uploaded, stats.discarded, stats.failed,
                    stats.clashes, stopRequested, (System.nanoTime() - t0) / 1e9,
                    (stats.sourceNanos + stats.claimSourceNanos) / 1e9,
                    (stats.stateNanos + stats.claimStateNanos) / 1e9, stats.fetchNanos / 1e9, stats.packNanos / 1e9,
                    stats.uploadNanos / 1e9, loopDb);
        }
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
            awaitOutstanding();     // no claim admits rows of a shard while it is given away
            List<Integer> extra = new ArrayList<>(held);
            for (int i = 0; i < held.size() - target && i < extra.size(); i++) {
                int s = extra.get(extra.size() - 1 - i);
                Open op = open.get(s);
                if (op != null && op.inflight.get() > 0) {
                    continue;       // give it away once its batch is written
                }
                if (op != null) {
                    containers.finalizeContainer(op);
                }
                locks.release(s);
            }
        }
        stats.stateNanos += System.nanoTime() - t;
    }

    /** Source rows pending and claimed (by any packer), over all sources: one count per source. */
    private long[] countSources() {
        long t = System.nanoTime();
        long[] out = new long[2];
        for (SourceConnector c : sources) {
            Map<String, Long> counts = c.countByStatus();
            out[0] += counts.getOrDefault(c.source().table().statusPendingValue(), 0L);
            out[1] += counts.getOrDefault(c.source().table().statusClaimedValue(), 0L);
        }
        stats.sourceNanos += System.nanoTime() - t;
        return out;
    }

    private void dropLostShards() {
        for (Integer s : Set.copyOf(lost)) {
            Open op = open.get(s);
            if (op != null) {
                containers.discard(op, "the lock of shard " + s + " was lost");
            }
            lost.remove(s);
        }
    }

    /**
     * One round over the sources: takes each source's claim (the one the claim thread did ahead, else one claimed now)
     * and, when it had rows, starts the next source's claim on the claim thread before its bodies are fetched and the
     * older batches written, so claiming overlaps writing. Returns the rows claimed.
     */
    private int claimRound() {
        Set<Integer> held = locks.held();
        held.removeAll(lost);
        if (held.isEmpty()) {
            submitOutstanding();
            drain();
            return 0;
        }
        int total = 0;
        for (int i = 0; i < sources.size(); i++) {
            if (stopRequested) {
                break;
            }
            SourceConnector src = sources.get(i);
            if (outstanding == null || outstandingSrc != src) {
                total += submitOutstanding();   // another source's (a round cut short): written all the same
                startClaim(src, held);
            }
            Claimed c = takeOutstanding();
            if (!c.rows().isEmpty()) {
                total += c.rows().size();
                o.listener().onStep("claimed", null);
                if (!stopRequested) {
                    startClaim(sources.get((i + 1) % sources.size()), held);  // the next batch, while this is written
                }
                inflight.addLast(submit(c));
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

    /** Starts a claim of {@code src} on the claim thread (admission included); the loop thread takes it later. */
    private void startClaim(SourceConnector src, Set<Integer> held) {
        Set<Integer> shards = Set.copyOf(held);
        outstandingSrc = src;
        outstanding = claimPool.submit(() -> {
            Map<String, ClaimLedger.Assignment> assigned = new HashMap<>();
            Map<String, Open> ops = new HashMap<>();
            long t = System.nanoTime();
            List<SourceRow> candidates = src.candidates(shards, src.source().batchSize());
            long read = System.nanoTime() - t;
            if (candidates.isEmpty()) {
                return new Claimed(src, List.of(), assigned, ops, read, 0, 0, 0);
            }
            long[] nanos = {0, 0, 0};
            long a = System.nanoTime();
            List<SourceRow> rows = containers.admit(src, candidates, assigned, ops, names, claims, nanos);
            // admission = the state database's statements + the source claim + naming the entries (packing work) +
            // the S3 requests of containers opened (upload work)
            return new Claimed(src, rows, assigned, ops, read + nanos[1], nanos[0],
                    System.nanoTime() - a - nanos[0] - nanos[1] - nanos[2], nanos[2]);
        });
    }

    /**
     * Waits for the outstanding claim and takes it (null when none); the loop thread's wait counts as its database
     * wait. A failed claim is thrown here, as if the loop thread had claimed itself.
     */
    private Claimed takeOutstanding() {
        Future<Claimed> f = outstanding;
        if (f == null) {
            return null;
        }
        outstanding = null;
        outstandingSrc = null;
        long t = System.nanoTime();
        try {
            Claimed c = f.get();
            synchronized (stats) {
                stats.claimSourceNanos += c.sourceNanos();
                stats.claimStateNanos += c.stateNanos();
                stats.packNanos += c.namingNanos();
                stats.uploadNanos += c.uploadNanos();
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DesIngestException("interrupted while claiming rows", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new DesIngestException("cannot claim rows", e.getCause());
        } finally {
            claimWaitNanos += System.nanoTime() - t;
        }
    }

    /**
     * Takes the outstanding claim (if any) and starts fetching its rows, to be written with the batches in flight;
     * returns how many rows it had.
     */
    private int submitOutstanding() {
        Claimed c = takeOutstanding();
        if (c == null || c.rows().isEmpty()) {
            return 0;
        }
        inflight.addLast(submit(c));
        return c.rows().size();
    }

    /** Waits until the outstanding claim (if any) is done, leaving it to be taken; its failure is thrown when taken. */
    private void awaitOutstanding() {
        Future<Claimed> f = outstanding;
        if (f == null) {
            return;
        }
        long t = System.nanoTime();
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // thrown again when the claim is taken
        } finally {
            claimWaitNanos += System.nanoTime() - t;
        }
    }

    /** Writes the batches in flight, oldest first. */
    private void drain() {
        for (Batch b = inflight.pollFirst(); b != null; b = inflight.pollFirst()) {
            write(b);
        }
    }

    private Batch submit(Claimed c) {
        BatchFetch fetch = BatchFetch.start(fetchPool, o.fetchThreads(), c.rows(),
                r -> PackerSupport.fetch(objects, r, o.externalThreshold()));
        return new Batch(c.src(), c.rows(), c.assigned(), c.ops(), fetch);
    }

    private void write(Batch b) {
        SourceConnector src = b.src();
        List<SourceRow> rows = b.rows();
        Map<String, ClaimLedger.Assignment> assigned = b.assigned();
        long t = System.nanoTime();
        List<PackerSupport.Fetched> fetched;
        try {
            fetched = b.fetch().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DesIngestException("interrupted while fetching source objects", e);
        }
        stats.fetchNanos += System.nanoTime() - t;
        for (int i = 0; i < rows.size(); i++) {
            SourceRow r = rows.get(i);
            ClaimLedger.Assignment a = assigned.get(r.id());
            Open mine = b.ops().get(r.id());
            if (mine != null) {
                mine.inflight.decrementAndGet();
            }
            Open op = open.get(r.shard());
            if (a == null || op == null || op != mine || op.c.id() != a.containerId()) {
                continue;   // its container was given up meanwhile: the row went back to pending with it
            }
            if (lost.contains(r.shard()) || !locks.isHeld(r.shard())) {
                containers.discard(op, "the lock of shard " + r.shard() + " was lost");
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
                containers.discard(op, "entry " + a.entryName() + " failed: " + e);
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
        claimPool.shutdownNow();
        fetchPool.shutdownNow();
        containers.close();
    }
}
