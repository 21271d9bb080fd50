package io.stowage.des.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shard locks on {@code des_shard_locks} with the statements of DES-INGEST.md section 1 (acquire-or-take-over in one
 * upsert, renew, release), times from the application clock (UTC). A heartbeat renews every held lock each TTL/2; a
 * renewal that finds the lock taken or expired, or that cannot reach the database before the lock's expiry, marks
 * the shard lost at once: {@link #isHeld} turns false and the listener hears {@code onLost}, so the packer stops
 * writing to it (never two writers on a shard).
 *
 * <pre>{@code
 * try (ShardLocks locks = ShardLocks.create(db, "host-1234", Duration.ofSeconds(30), ShardLocks.Listener.none(),
 *         registry)) {
 *     if (locks.tryAcquire(7)) { ... while (locks.isHeld(7)) write ...; locks.release(7); }
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ShardLocks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardLocks.class);

    /** Hears lock changes, on the acquiring thread or the heartbeat thread. */
    public interface Listener {
        default void onAcquired(int shard) {}

        default void onLost(int shard, String reason) {}

        default void onReleased(int shard) {}

        static Listener none() {
            return new Listener() {};
        }
    }

    private final IngestDatabase db;
    private final String holder;
    private final Duration ttl;
    private final Listener listener;
    private final MeterRegistry registry;
    private final Clock clock;
    /** Held shards and the expiry of our last successful acquire or renewal. */
    private final Map<Integer, Instant> held = new ConcurrentHashMap<>();
    /** Shards renewed in one statement at most (SQLite's older builds allow 999 parameters). */
    static final int RENEW_CHUNK = 500;
    private final ScheduledExecutorService heartbeat;

    private ShardLocks(IngestDatabase db, String holder, Duration ttl, Listener listener, MeterRegistry registry,
                       Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.holder = Objects.requireNonNull(holder, "holder");
        if (holder.isEmpty() || holder.length() > 128) {
            throw new IllegalArgumentException("holder '" + holder + "' must have 1..128 characters");
        }
        if (ttl.toMillis() < 200) {
            throw new IllegalArgumentException("lock TTL " + ttl + " must be at least 200 ms");
        }
        this.ttl = ttl;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.registry = registry == null ? new SimpleMeterRegistry() : registry;
        this.clock = clock;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "des-shard-locks-" + holder);
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, ttl.toMillis() / 2);
        heartbeat.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Locks held by {@code holder} (by convention {@code {hostname}-{pid}}), renewed every {@code ttl/2}. */
    public static ShardLocks create(IngestDatabase db, String holder, Duration ttl, Listener listener,
                                    MeterRegistry registry) {
        return new ShardLocks(db, holder, ttl, listener, registry, Clock.systemUTC());
    }

    public String holder() {
        return holder;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Acquires {@code shard} (or takes it over from an expired holder, or re-acquires our own). False when another
     * live holder has it (counted in {@code des_shard_lock_conflicts_total}).
     */
    public boolean tryAcquire(int shard) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        boolean got;
        try {
            got = db.jdbi().withHandle(h -> h.createQuery("INSERT INTO des_shard_locks (shard_id, holder_id, "
                            + "acquired_at, heartbeat_at, expires_at, state) VALUES (:s, :h, :now, :now, :exp, 'held') "
                            + "ON CONFLICT (shard_id) DO UPDATE SET holder_id = :h, acquired_at = :now, "
                            + "heartbeat_at = :now, expires_at = :exp, state = 'held' "
                            + "WHERE des_shard_locks.expires_at < :now OR des_shard_locks.holder_id = :h "
                            + "RETURNING shard_id")
                    .bind("s", shard).bind("h", holder).bind("now", db.timestamp(now)).bind("exp", db.timestamp(exp))
                    .mapTo(Integer.class).findOne().isPresent());
        } catch (RuntimeException e) {
            LOG.warn("shard {}: cannot acquire the lock: {}", shard, e.toString());
            return false;
        }
        if (got) {
            boolean fresh = held.put(shard, exp) == null;
            if (fresh) {
                listener.onAcquired(shard);
            }
        } else {
            registry.counter("des_shard_lock_conflicts_total", "shard_id", Integer.toString(shard)).increment();
        }
        return got;
    }

    /** Whether we hold {@code shard} now (acquired, renewed in time, not lost, not released). */
    public boolean isHeld(int shard) {
        Instant exp = held.get(shard);
        if (exp == null) {
            return false;
        }
        if (!clock.instant().isBefore(exp)) {
            lose(shard, "its lock expired at " + exp + " before a renewal reached the database");
            return false;
        }
        return true;
    }

    /** The shards held now. */
    public Set<Integer> held() {
        Set<Integer> out = new TreeSet<>();
        for (Integer s : held.keySet()) {
            if (isHeld(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Renews every held lock now (the heartbeat does this every TTL/2): section 1's renewal {@code UPDATE}, for up to
     * {@link #RENEW_CHUNK} shards in one statement ({@code shard_id IN (...)}, the same effect on each row), so a
     * packer holding hundreds of shards renews them in one round trip instead of one each (one each, 256 shards took
     * longer than a 4 s TTL on a loaded machine and the last ones expired before their renewal). A held shard the
     * statement did not return is lost.
     */
    public void renewAll() {
        List<Integer> shards = new ArrayList<>(held.keySet());
        for (int i = 0; i < shards.size(); i += RENEW_CHUNK) {
            renew(shards.subList(i, Math.min(shards.size(), i + RENEW_CHUNK)));
        }
    }

    private void renew(List<Integer> shards) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        Set<Integer> renewed;
        try {
            renewed = new HashSet<>(db.jdbi().withHandle(h -> h.createQuery("UPDATE des_shard_locks SET heartbeat_at = "
                            + ":now, expires_at = :exp, state = 'held' WHERE shard_id IN (<s>) AND holder_id = :h AND "
                            + "expires_at > :now RETURNING shard_id")
                    .bindList("s", shards).bind("h", holder).bind("now", db.timestamp(now))
                    .bind("exp", db.timestamp(exp)).mapTo(Integer.class).list()));
        } catch (RuntimeException e) {
            LOG.warn("shards {}..{}: lock renewal failed: {}", shards.get(0), shards.get(shards.size() - 1),
                    e.toString());
            for (int shard : shards) {
                isHeld(shard);      // lost once our last expiry passes
            }
            return;
        }
        for (int shard : shards) {
            if (renewed.contains(shard)) {
                held.computeIfPresent(shard, (k, v) -> exp);
            } else {
                lose(shard, "the renewal found the lock expired or held by another holder");
            }
        }
    }

    private void lose(int shard, String reason) {
        if (held.remove(shard) != null) {
            LOG.warn("shard {}: lock lost ({}); writing to it stops", shard, reason);
            listener.onLost(shard, reason);
        }
    }

    /** Releases {@code shard} (deletes our row; nothing when another holder has it now). */
    public void release(int shard) {
        held.remove(shard);
        try {
            db.jdbi().useHandle(h -> h.execute("DELETE FROM des_shard_locks WHERE shard_id = ? AND holder_id = ?",
                    shard, holder));
        } catch (RuntimeException e) {
            LOG.warn("shard {}: cannot release the lock (it expires by itself): {}", shard, e.toString());
        }
        listener.onReleased(shard);
    }

    /** Live holders by shard (locks not expired), from the table. */
    public Map<Integer, String> liveHolders() {
        return liveHolders(db, clock.instant());
    }

    /** Live holders by shard at {@code now}. */
    public static Map<Integer, String> liveHolders(IngestDatabase db, Instant now) {
        Map<Integer, String> out = new TreeMap<>();
        db.jdbi().useHandle(h -> h.createQuery("SELECT shard_id, holder_id FROM des_shard_locks WHERE expires_at > :now")
                .bind("now", db.timestamp(now))
                .map((rs, ctx) -> Map.entry(rs.getInt(1), rs.getString(2))).forEach(e -> out.put(e.getKey(),
                        e.getValue())));
        return out;
    }

    /** Recovery: deletes expired locks; returns how many. */
    public static int deleteExpired(IngestDatabase db, Instant now) {
        return db.jdbi().withHandle(h -> h.execute("DELETE FROM des_shard_locks WHERE expires_at < ?",
                db.timestamp(now)));
    }

    /** Stops the heartbeat and releases every held lock. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Integer s : Set.copyOf(held.keySet())) {
            release(s);
        }
    }

    @Override
    public String toString() {
        return "ShardLocks[" + holder + " holds " + new TreeSet<>(held.keySet()) + "]";
    }
}
