package io.stowage.des.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.des.SnowflakeNames;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The catalogue worker of DES-INGEST.md section 5: claims rows of {@code des_source_catalog} that have no status yet
 * (or {@code retry}/{@code pending}) and are at least {@link MarkerOptions#maxAge()} old, {@code ORDER BY id LIMIT n
 * FOR UPDATE SKIP LOCKED} (PostgreSQL; SQLite takes the write lock), and gives each a DES name from a
 * {@link SnowflakeNames} on a leased node id, {@code des_hash} (SHA-256 hex of the name), {@code des_shard} (the
 * hash's first byte) and status {@code marked}, in one transaction per batch. A row that already has a name keeps it.
 * A row whose update fails with a transient error goes to {@code retry} (retried after {@code unit * base^n}); after
 * {@code maxRetries} of those, or at once for any other error, it goes to {@code failed} with {@code last_error} and a
 * DLQ row. Several markers at once (on any machines) never claim one row twice and never give one name twice: each
 * holds its own node id through a {@link NodeIdLease}, and a lost lease rolls the batch back and stops the marker.
 *
 * <pre>{@code
 * try (IngestDatabase db = IngestDatabase.open(url)) {
 *     db.migrate();
 *     MarkerOptions o = MarkerOptions.fromEnvironment(System.getenv());
 *     try (Marker m = Marker.start(db, o, registry, MarkerListener.none())) {
 *         m.run();            // until m.stop() from another thread
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #runOnce()} and {@link #run()} are for one thread; {@link #stop()} may be called from any thread.
 */
public final class Marker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Marker.class);
    private static final int MAX_ERROR = 2000;

    private final IngestDatabase db;
    private final NodeIdLease lease;
    private final boolean ownsLease;
    private final MarkerOptions options;
    private final MarkerListener listener;
    private final MarkerMetrics metrics;
    private final SnowflakeNames names;
    private final Clock clock;
    private final RateLimiter limiter;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String dlqTable;

    private Marker(IngestDatabase db, NodeIdLease lease, boolean ownsLease, MarkerOptions options,
                   MeterRegistry registry, MarkerListener listener, Clock clock) {
        this.db = db;
        this.lease = lease;
        this.ownsLease = ownsLease;
        this.options = options;
        this.listener = listener == null ? MarkerListener.none() : listener;
        this.metrics = new MarkerMetrics(registry, options.rateLimit());
        this.names = SnowflakeNames.create(options.prefix(), lease.nodeId(), options.wrapBits(),
                System::currentTimeMillis);
        this.clock = clock;
        this.limiter = new RateLimiter(options.rateLimit(), System::nanoTime);
        this.dlqTable = options.dlqTable();
        if (options.enableDlq() && !dlqTable.equalsIgnoreCase("des_marker_dlq")) {
            createDlqTable();
        }
    }

    /**
     * Leases {@link MarkerOptions#nodeId()} for this process ({@link NodeIdLease#defaultHolder()}) and makes a marker
     * that releases the lease on {@link #close()}. The database must be migrated.
     *
     * @throws DesIngestNodeIdHeldException when another live process holds that node id
     */
    public static Marker start(IngestDatabase db, MarkerOptions options, MeterRegistry registry,
                               MarkerListener listener) {
        NodeIdLease lease = NodeIdLease.acquire(db, options.nodeId(), NodeIdLease.defaultHolder(), options.leaseTtl());
        try {
            return new Marker(db, lease, true, options, registry, listener, Clock.systemUTC());
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * A marker that names with {@code lease}'s node id ({@link MarkerOptions#nodeId()} is ignored); the caller keeps
     * and closes the lease. {@code clock} dates claims, backoffs and DLQ rows (names use the system clock).
     */
    public static Marker create(IngestDatabase db, NodeIdLease lease, MarkerOptions options, MeterRegistry registry,
                                MarkerListener listener, Clock clock) {
        return new Marker(db, lease, false, options, registry, listener, clock);
    }

    /** The node id names are made with. */
    public int nodeId() {
        return lease.nodeId();
    }

    /** The options in force. */
    public MarkerOptions options() {
        return options;
    }

    private void createDlqTable() {
        String ts = db.dialect() == IngestDatabase.Dialect.POSTGRES ? "TIMESTAMPTZ" : "INTEGER";
        String id = db.dialect() == IngestDatabase.Dialect.POSTGRES ? "SERIAL" : "INTEGER";
        String bool = db.dialect() == IngestDatabase.Dialect.POSTGRES ? "BOOLEAN DEFAULT FALSE" : "INTEGER DEFAULT 0";
        try {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS " + dlqTable + " (id " + id
                    + " PRIMARY KEY, catalog_entry_id INTEGER NOT NULL REFERENCES des_source_catalog (id) ON DELETE "
                    + "CASCADE, created_at " + ts + " NOT NULL, error_message TEXT, retry_count INTEGER DEFAULT 0, "
                    + "resolved " + bool + ", resolved_at " + ts + ")"));
        } catch (RuntimeException e) {
            throw new DesIngestDatabaseException("cannot create the marker DLQ table " + dlqTable + " in "
                    + db.where() + ": " + IngestDatabase.message(e), db.where(), e);
        }
    }

    // ---------------------------------------------------------------- one batch

    private record Claimed(long id, String name, int retryCount) {}

    private record Mark(long id, String name, String hash, int shard) {}

    /** Counts of one batch, applied to the meters only once it committed. */
    private static final class Tally {
        int marked;
        int retried;
        int failed;
        int dlq;
        int transientErrors;
        int permanentErrors;
        final List<Integer> retryAttempts = new ArrayList<>();
        final List<Object[]> failures = new ArrayList<>();
    }

    /**
     * Claims and marks one batch in one transaction.
     *
     * @throws DesIngestNodeIdLostException when the node-id lease is lost (nothing of the batch is kept)
     * @throws DesIngestDatabaseException   when the batch failed as a whole (rolled back; rows are claimed again
     *                                      by a later batch); {@link #run()} retries those that are transient
     */
    public MarkerBatchReport runOnce() {
        checkLease();
        long t0 = System.nanoTime();
        Tally tally = new Tally();
        List<Claimed> claimed;
        try {
            claimed = db.jdbi().inTransaction(h -> {
                Instant now = clock.instant();
                List<Claimed> rows = claim(h, now);
                if (rows.isEmpty()) {
                    return rows;
                }
                List<Mark> marks = new ArrayList<>(rows.size());
                MessageDigest sha = sha256();
                for (Claimed c : rows) {
                    String name = c.name() != null && !c.name().isBlank() ? c.name() : names.next();
                    byte[] d = sha.digest(name.getBytes(StandardCharsets.UTF_8));
                    marks.add(new Mark(c.id(), name, HexFormat.of().formatHex(d), d[0] & 0xff));
                }
                markAll(h, rows, marks, now, tally);
                checkLease();   // names were made before the lease could expire: keep them only if it still holds
                return rows;
            });
        } catch (DesIngestException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.error(MarkerErrors.isTransient(e));
            throw new DesIngestDatabaseException("marker batch failed and was rolled back in " + db.where() + ": "
                    + IngestDatabase.message(e), db.where(), e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        MarkerBatchReport r = new MarkerBatchReport(claimed.size(), tally.marked, tally.retried, tally.failed,
                tally.dlq, took);
        if (claimed.isEmpty()) {
            metrics.batch(r);
            return r;
        }
        metrics.batch(r);
        for (int i = 0; i < tally.transientErrors; i++) {
            metrics.error(true);
        }
        for (int i = 0; i < tally.permanentErrors; i++) {
            metrics.error(false);
        }
        tally.retryAttempts.forEach(metrics::retry);
        for (Object[] f : tally.failures) {
            listener.onEntryFailed((Long) f[0], (String) f[1], (Boolean) f[2]);
        }
        listener.onBatch(r);
        long wait = limiter.delayNanos(r.marked() + r.retried() + r.failed());
        if (wait > 0) {
            sleep(TimeUnit.NANOSECONDS.toMillis(wait));
        }
        return r;
    }

    private void checkLease() {
        if (lease.isLost()) {
            throw new DesIngestNodeIdLostException(lease.nodeId(), "the lease of node id " + lease.nodeId()
                    + " is lost (" + lease.lostReason() + "): the marker stopped without giving names; restart it");
        }
    }

    private List<Claimed> claim(Handle h, Instant now) {
        String sql = "SELECT c.id, c.des_name, COALESCE(c.retry_count, 0) AS retry_count FROM des_source_catalog c "
                + "WHERE (c.des_status IS NULL OR c.des_status IN ('retry', 'pending')) AND c.created_at <= :cutoff "
                + "AND NOT EXISTS (SELECT 1 FROM des_marker_retry_after r WHERE r.catalog_entry_id = c.id "
                + "AND r.not_before > :now) ORDER BY c.id LIMIT :n"
                + (db.dialect() == IngestDatabase.Dialect.POSTGRES ? " FOR UPDATE OF c SKIP LOCKED" : "");
        return h.createQuery(sql)
                .bind("cutoff", db.timestamp(now.minus(options.maxAge())))
                .bind("now", db.timestamp(now))
                .bind("n", options.batchSize())
                .map((rs, ctx) -> new Claimed(rs.getLong("id"), rs.getString("des_name"), rs.getInt("retry_count")))
                .list();
    }

    private static final String MARK = "UPDATE des_source_catalog SET des_name = :name, des_hash = :hash, "
            + "des_shard = :shard, des_status = 'marked', last_error = NULL WHERE id = :id";

    /** All rows in one JDBC batch; when that fails, row by row under savepoints to find and park the bad rows. */
    private void markAll(Handle h, List<Claimed> rows, List<Mark> marks, Instant now, Tally tally) {
        h.execute("SAVEPOINT des_marker_batch");
        try {
            PreparedBatch b = h.prepareBatch(MARK);
            for (Mark m : marks) {
                b.bind("name", m.name()).bind("hash", m.hash()).bind("shard", m.shard()).bind("id", m.id()).add();
            }
            b.execute();
            clearBackoff(h, marks);
            h.execute("RELEASE SAVEPOINT des_marker_batch");
            tally.marked += marks.size();
            return;
        } catch (RuntimeException batchError) {
            h.execute("ROLLBACK TO SAVEPOINT des_marker_batch");
            h.execute("RELEASE SAVEPOINT des_marker_batch");
            LOG.debug("marker batch update failed, marking row by row: {}", IngestDatabase.message(batchError));
        }
        for (int i = 0; i < rows.size(); i++) {
            Mark m = marks.get(i);
            h.execute("SAVEPOINT des_marker_row");
            try {
                h.createUpdate(MARK).bind("name", m.name()).bind("hash", m.hash()).bind("shard", m.shard())
                        .bind("id", m.id()).execute();
                clearBackoff(h, List.of(m));
                h.execute("RELEASE SAVEPOINT des_marker_row");
                tally.marked++;
            } catch (RuntimeException e) {
                h.execute("ROLLBACK TO SAVEPOINT des_marker_row");
                h.execute("RELEASE SAVEPOINT des_marker_row");
                park(h, rows.get(i), e, now, tally);
            }
        }
    }

    private static void clearBackoff(Handle h, List<Mark> marks) {
        PreparedBatch b = h.prepareBatch("DELETE FROM des_marker_retry_after WHERE catalog_entry_id = :id");
        for (Mark m : marks) {
            b.bind("id", m.id()).add();
        }
        b.execute();
    }

    /** A row whose update failed: {@code retry} with a backoff, or {@code failed} plus a DLQ row. */
    private void park(Handle h, Claimed row, RuntimeException e, Instant now, Tally tally) {
        boolean isTransient = MarkerErrors.isTransient(e);
        String error = MarkerErrors.message(e, MAX_ERROR);
        int attempt = row.retryCount() + 1;
        if (isTransient) {
            tally.transientErrors++;
        } else {
            tally.permanentErrors++;
        }
        if (isTransient && attempt <= options.maxRetries()) {
            h.createUpdate("UPDATE des_source_catalog SET des_status = 'retry', retry_count = :n, last_error = :e "
                    + "WHERE id = :id").bind("n", attempt).bind("e", error).bind("id", row.id()).execute();
            Object notBefore = db.timestamp(now.plus(options.backoff(attempt)));
            h.createUpdate("DELETE FROM des_marker_retry_after WHERE catalog_entry_id = :id").bind("id", row.id())
                    .execute();
            h.createUpdate("INSERT INTO des_marker_retry_after (catalog_entry_id, not_before) VALUES (:id, :t)")
                    .bind("id", row.id()).bind("t", notBefore).execute();
            tally.retried++;
            tally.retryAttempts.add(attempt);
            tally.failures.add(new Object[]{row.id(), error, true});
            LOG.warn("catalogue row {}: transient error (attempt {} of {}), retried after {}: {}", row.id(),
                    attempt, options.maxRetries(), options.backoff(attempt), error);
            return;
        }
        int count = isTransient ? attempt : row.retryCount();
        String why = isTransient ? "gave up after " + attempt + " transient failures: " + error : error;
        h.createUpdate("UPDATE des_source_catalog SET des_status = 'failed', retry_count = :n, last_error = :e "
                + "WHERE id = :id").bind("n", count).bind("e", why).bind("id", row.id()).execute();
        h.createUpdate("DELETE FROM des_marker_retry_after WHERE catalog_entry_id = :id").bind("id", row.id())
                .execute();
        if (options.enableDlq()) {
            h.createUpdate("INSERT INTO " + dlqTable + " (catalog_entry_id, created_at, error_message, retry_count, "
                            + "resolved) VALUES (:id, :t, :e, :n, " + (db.dialect() == IngestDatabase.Dialect.POSTGRES
                            ? "FALSE" : "0") + ")")
                    .bind("id", row.id()).bind("t", db.timestamp(now)).bind("e", why).bind("n", count).execute();
            tally.dlq++;
        }
        tally.failed++;
        tally.failures.add(new Object[]{row.id(), why, false});
        LOG.error("catalogue row {}: failed{}: {}", row.id(), options.enableDlq() ? " (DLQ)" : "", why);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- the loop

    /**
     * Marks batches until {@link #stop()}: a full batch is followed at once by the next, a short one by a pause of
     * {@link MarkerOptions#interval()}; a batch that failed with a transient error is retried after a backoff
     * ({@code unit * base^k}, k consecutive failures, at most a minute).
     *
     * @throws DesIngestNodeIdLostException when the lease is lost
     * @throws DesIngestDatabaseException   on a permanent database error (a missing table, no permission)
     */
    public MarkerReport run() {
        long t0 = System.nanoTime();
        long batches = 0;
        long marked = 0;
        long retried = 0;
        long failed = 0;
        long dlq = 0;
        long failedBatches = 0;
        int consecutive = 0;
        while (stopped.getCount() > 0) {
            try {
                MarkerBatchReport r = runOnce();
                consecutive = 0;
                batches++;
                marked += r.marked();
                retried += r.retried();
                failed += r.failed();
                dlq += r.dlq();
                if (r.claimed() < options.batchSize()) {
                    sleep(options.interval().toMillis());
                }
            } catch (DesIngestDatabaseException e) {
                if (!MarkerErrors.isTransient(e)) {
                    throw e;
                }
                failedBatches++;
                consecutive++;
                long backoff = Math.min(60_000, Math.max(100, options.backoff(Math.min(consecutive, 12)).toMillis()));
                LOG.warn("marker batch failed ({} in a row), next try in {} ms: {}", consecutive, backoff,
                        e.getMessage());
                listener.onBatchFailed(e.getMessage(), backoff);
                sleep(backoff);
            }
        }
        return new MarkerReport(batches, marked, retried, failed, dlq, failedBatches,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Makes {@link #run()} return after the batch in progress (which commits). Any thread. */
    public void stop() {
        stopped.countDown();
    }

    private void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
    }

    /** Stops the loop and, for a marker made by {@link #start}, frees its node id. */
    @Override
    public void close() {
        stop();
        if (ownsLease) {
            lease.close();
        }
    }
}
