package io.stowage.des.ingest;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A snowflake node id (0..255) held by this process through a lease in {@code des_node_leases}: every DES name
 * generator (marker, packer, {@code serve des}) takes its node id from one, so two live processes never share a node
 * id and never produce the same name. A heartbeat renews the lease every third of its TTL; a process that dies stops
 * renewing and its node id is free once the lease expires. {@link #close()} stops the heartbeat and frees the node id.
 *
 * <pre>{@code
 * try (NodeIdLease lease = NodeIdLease.acquire(db, 7, NodeIdLease.defaultHolder(), Duration.ofSeconds(30))) {
 *     SnowflakeNames names = ...(lease.nodeId());
 *     if (lease.isLost()) { stop(); }   // before handing out names
 * }
 * }</pre>
 *
 * <p>Lost: a renewal found the lease expired or taken over, or renewals kept failing (database down) until the last
 * granted TTL ran out (measured on this process's monotonic clock from before the renewal was sent, so it errs on
 * the early side). A lost lease stays lost: stop generating names and acquire again.
 *
 * <p>Thread-safe. Expiry is compared on the database clock (PostgreSQL {@code clock_timestamp()}), so machines with
 * skewed clocks agree on it; SQLite uses this machine's clock.
 */
public final class NodeIdLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIdLease.class);
    /** The highest node id (8 bits). */
    public static final int MAX_NODE_ID = 255;

    /** Told when the lease is lost; called on the heartbeat thread, at most once. */
    public interface Listener {
        /** The lease of {@code nodeId} is lost; {@code reason} says why. */
        default void onLost(int nodeId, String reason) {}

        /** A listener that does nothing. */
        static Listener none() {
            return new Listener() {};
        }
    }

    private final IngestDatabase db;
    private final int nodeId;
    private final String holder;
    private final String token;
    private final long ttlMillis;
    private final Listener listener;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long deadlineNanos;
    private volatile String lostReason;

    private NodeIdLease(IngestDatabase db, int nodeId, String holder, String token, long ttlMillis, long sentNanos,
                        Listener listener) {
        this.db = db;
        this.nodeId = nodeId;
        this.holder = holder;
        this.token = token;
        this.ttlMillis = ttlMillis;
        this.listener = listener;
        this.deadlineNanos = sentNanos + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "des-node-lease-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(20, ttlMillis / 3);
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@link #acquire(IngestDatabase, int, String, Duration, Listener)} without a listener. */
    public static NodeIdLease acquire(IngestDatabase db, int nodeId, String holder, Duration ttl) {
        return acquire(db, nodeId, holder, ttl, Listener.none());
    }

    /**
     * Takes the lease of {@code nodeId} for {@code holder} (a free node id, or one whose lease expired) and starts its
     * heartbeat. The table must exist ({@link IngestDatabase#migrate()}).
     *
     * @param holder who holds it, shown to others that ask ({@link #defaultHolder()}: {@code hostname-pid})
     * @param ttl    how long the lease lives without a renewal (renewed every third of it); at least 100 ms
     * @throws DesIngestNodeIdHeldException when a live lease of another acquisition holds it (the message names the
     *                                      holder and when its lease expires)
     * @throws DesIngestDatabaseException   when the database cannot be reached
     * @throws IllegalArgumentException     when {@code nodeId} is outside 0..255 or {@code ttl} is under 100 ms
     */
    public static NodeIdLease acquire(IngestDatabase db, int nodeId, String holder, Duration ttl, Listener listener) {
        if (nodeId < 0 || nodeId > MAX_NODE_ID) {
            throw new IllegalArgumentException("node id " + nodeId + " is outside 0.." + MAX_NODE_ID);
        }
        if (ttl == null || ttl.toMillis() < 100) {
            throw new IllegalArgumentException("node-id lease TTL " + ttl + " is under 100 ms");
        }
        if (holder == null || holder.isBlank() || holder.length() > 128) {
            throw new IllegalArgumentException("holder must be 1..128 characters: " + holder);
        }
        String token = UUID.randomUUID().toString();
        long ttlMs = ttl.toMillis();
        for (int attempt = 0; ; attempt++) {
            long sent = System.nanoTime();
            int n;
            try {
                n = db.jdbi().withHandle(h -> upsert(db, h, nodeId, holder, token, ttlMs));
            } catch (RuntimeException e) {
                throw new DesIngestDatabaseException("cannot lease node id " + nodeId + " in " + db.where() + ": "
                        + IngestDatabase.message(e), db.where(), e);
            }
            if (n > 0) {
                LOG.info("node id {} leased to {} (TTL {} ms) in {}", nodeId, holder, ttlMs, db.where());
                return new NodeIdLease(db, nodeId, holder, token, ttlMs, sent, listener == null ? Listener.none()
                        : listener);
            }
            Optional<Object[]> cur = db.jdbi().withHandle(h -> h.createQuery(
                            "SELECT holder_id, expires_at FROM des_node_leases WHERE node_id = :n")
                    .bind("n", nodeId)
                    .map((rs, ctx) -> new Object[]{rs.getString("holder_id"), db.instant(rs, "expires_at")})
                    .findOne());
            if (cur.isPresent()) {
                String other = (String) cur.get()[0];
                Instant exp = (Instant) cur.get()[1];
                throw new DesIngestNodeIdHeldException(nodeId, other, exp, "node id " + nodeId + " is held by "
                        + other + " (lease in " + db.where() + " until " + exp + "): two processes with one node id "
                        + "could give the same DES name; start this one with another node id (--node-id / "
                        + "DES_NODE_ID), stop " + other + ", or wait until its lease expires if it is dead");
            }
            if (attempt >= 3) {   // released and re-taken in between, over and over: report it as held
                throw new DesIngestNodeIdHeldException(nodeId, "?", Instant.now(), "node id " + nodeId
                        + " is being taken and released by other processes in " + db.where() + "; start this one "
                        + "with another node id");
            }
        }
    }

    private static int upsert(IngestDatabase db, Handle h, int nodeId, String holder, String token, long ttlMs) {
        if (db.dialect() == IngestDatabase.Dialect.POSTGRES) {
            return h.createUpdate("INSERT INTO des_node_leases (node_id, holder_id, lease_token, acquired_at, "
                            + "heartbeat_at, expires_at) VALUES (:n, :h, :t, clock_timestamp(), clock_timestamp(), "
                            + "clock_timestamp() + CAST(:ttl AS DOUBLE PRECISION) * INTERVAL '1 millisecond') "
                            + "ON CONFLICT (node_id) DO UPDATE SET holder_id = EXCLUDED.holder_id, "
                            + "lease_token = EXCLUDED.lease_token, acquired_at = EXCLUDED.acquired_at, "
                            + "heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at "
                            + "WHERE des_node_leases.expires_at < clock_timestamp()")
                    .bind("n", nodeId).bind("h", holder).bind("t", token).bind("ttl", ttlMs).execute();
        }
        long now = System.currentTimeMillis();
        return h.createUpdate("INSERT INTO des_node_leases (node_id, holder_id, lease_token, acquired_at, "
                        + "heartbeat_at, expires_at) VALUES (:n, :h, :t, :now, :now, :exp) "
                        + "ON CONFLICT (node_id) DO UPDATE SET holder_id = excluded.holder_id, "
                        + "lease_token = excluded.lease_token, acquired_at = excluded.acquired_at, "
                        + "heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at "
                        + "WHERE des_node_leases.expires_at < :now")
                .bind("n", nodeId).bind("h", holder).bind("t", token).bind("now", now).bind("exp", now + ttlMs)
                .execute();
    }

    /** {@code hostname-pid}, the holder name the Python system writes too. */
    public static String defaultHolder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
        String h = host + "-" + ProcessHandle.current().pid();
        return h.length() > 128 ? h.substring(0, 128) : h;
    }

    /** The node id held. */
    public int nodeId() {
        return nodeId;
    }

    /** Who holds it, as written in the table. */
    public String holder() {
        return holder;
    }

    /** The lease's TTL. */
    public Duration ttl() {
        return Duration.ofMillis(ttlMillis);
    }

    /** Whether the lease is lost (or closed): no name may be generated with this node id any more. */
    public boolean isLost() {
        return lost.get() || closed.get() || System.nanoTime() - deadlineNanos >= 0;
    }

    /** Why the lease was lost, or null while it is held. */
    public String lostReason() {
        if (!lost.get() && !closed.get() && System.nanoTime() - deadlineNanos >= 0) {
            return "no renewal succeeded within the TTL of " + ttlMillis + " ms";
        }
        return lostReason;
    }

    /** Renews now, on the caller's thread; returns whether the lease is still held (the heartbeat does this). */
    boolean renewNow() {
        if (lost.get() || closed.get()) {
            return false;
        }
        long sent = System.nanoTime();
        int n;
        try {
            n = db.jdbi().withHandle(h -> {
                if (db.dialect() == IngestDatabase.Dialect.POSTGRES) {
                    return h.createUpdate("UPDATE des_node_leases SET heartbeat_at = clock_timestamp(), expires_at = "
                                    + "clock_timestamp() + CAST(:ttl AS DOUBLE PRECISION) * INTERVAL '1 millisecond' "
                                    + "WHERE node_id = :n AND lease_token = :t AND expires_at > clock_timestamp()")
                            .bind("n", nodeId).bind("t", token).bind("ttl", ttlMillis).execute();
                }
                long now = System.currentTimeMillis();
                return h.createUpdate("UPDATE des_node_leases SET heartbeat_at = :now, expires_at = :exp "
                                + "WHERE node_id = :n AND lease_token = :t AND expires_at > :now")
                        .bind("n", nodeId).bind("t", token).bind("now", now).bind("exp", now + ttlMillis).execute();
            });
        } catch (RuntimeException e) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                markLost("renewals failed until the lease expired; last error: " + IngestDatabase.message(e));
            } else {
                LOG.warn("node id {}: lease renewal failed, will retry: {}", nodeId, IngestDatabase.message(e));
            }
            return !isLost();
        }
        if (n == 0) {
            markLost("the lease had expired or was taken over by another process when it was renewed");
            return false;
        }
        deadlineNanos = sent + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
        return true;
    }

    private void beat() {
        try {
            renewNow();
        } catch (RuntimeException e) {
            LOG.warn("node id {}: heartbeat failed", nodeId, e);
        }
    }

    private void markLost(String reason) {
        if (closed.get() || !lost.compareAndSet(false, true)) {
            return;
        }
        lostReason = reason;
        LOG.error("node id {} lease of {} lost: {}", nodeId, holder, reason);
        heartbeat.shutdown();
        try {
            listener.onLost(nodeId, reason);
        } catch (RuntimeException e) {
            LOG.warn("node id {}: lost-lease listener failed", nodeId, e);
        }
    }

    /** Stops the heartbeat and frees the node id (if still ours). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lostReason = "closed";
        heartbeat.shutdownNow();
        try {
            db.jdbi().useHandle(h -> h.execute("DELETE FROM des_node_leases WHERE node_id = ? AND lease_token = ?",
                    nodeId, token));
        } catch (RuntimeException e) {
            LOG.warn("node id {}: could not release the lease (it expires by itself): {}", nodeId,
                    IngestDatabase.message(e));
        }
    }

    @Override
    public String toString() {
        return "NodeIdLease[" + nodeId + " held by " + holder + (isLost() ? ", lost" : "") + "]";
    }
}
