package io.stowage.transcode.jobs;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessages;

import java.time.Duration;
import java.util.List;

/**
 * The Redis Stream and its consumer group: create, read new entries, take over entries of dead consumers, refresh a
 * claim, stats. Stateless over the given connection; thread-safe for the non-blocking calls, and {@link #read} is
 * called on each worker thread's own connection.
 */
final class JobQueue {
    /** One delivered entry. */
    record Entry(String id, String jobId, String user) {
    }

    private final Keys keys;
    private final RedisCommands<String, String> redis;

    JobQueue(Keys keys, RedisCommands<String, String> redis) {
        this.keys = keys;
        this.redis = redis;
    }

    /**
     * Opens the job store and makes sure the stream and its group exist: what {@link TranscodeService} and
     * {@link TranscodeWorker} both do first. On failure the store is closed again.
     *
     * @throws TranscodeJobsBackendException when Redis cannot be reached or refuses the group
     */
    static JobStore openStore(TranscodeJobsConfig config) {
        JobStore s = null;
        try {
            s = JobStore.open(config);
            ensureGroup(s.keys(), s.redis());
            return s;
        } catch (RuntimeException e) {
            if (s != null) {
                s.close();
            }
            throw e instanceof TranscodeJobsException ? e : new TranscodeJobsBackendException("redis",
                    "cannot prepare the queue at " + JobStore.redacted(config.redisUrl()) + ": " + e.getMessage(), e);
        }
    }

    /** Creates the stream and the group (from the stream's start) unless they exist. */
    static void ensureGroup(Keys keys, RedisCommands<String, String> redis) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(keys.stream(), "0"), Keys.GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // exists
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    static boolean isNoGroup(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("NOGROUP")) {
                return true;
            }
        }
        return false;
    }

    /** Blocks up to {@code block} for one new entry; null when none came. Call on the worker's own connection. */
    static Entry read(Keys keys, RedisCommands<String, String> conn, String consumer, Duration block) {
        List<StreamMessage<String, String>> msgs = conn.xreadgroup(Consumer.from(Keys.GROUP, consumer),
                XReadArgs.Builder.block(block).count(1), XReadArgs.StreamOffset.lastConsumed(keys.stream()));
        return msgs == null || msgs.isEmpty() ? null : entry(msgs.get(0));
    }

    /** Takes over one entry idle for at least {@code minIdle}; null when none. */
    Entry autoclaim(String consumer, Duration minIdle) {
        ClaimedMessages<String, String> c = redis.xautoclaim(keys.stream(),
                XAutoClaimArgs.Builder.xautoclaim(Consumer.from(Keys.GROUP, consumer), minIdle, "0-0").count(1));
        if (c == null) {
            return null;
        }
        for (StreamMessage<String, String> m : c.getMessages()) {
            if (m.getBody() == null || m.getBody().get("job") == null) {
                // deleted entry still pending: drop it
                redis.xack(keys.stream(), Keys.GROUP, m.getId());
                continue;
            }
            return entry(m);
        }
        return null;
    }

    private static Entry entry(StreamMessage<String, String> m) {
        return new Entry(m.getId(), m.getBody().get("job"), m.getBody().get("user"));
    }

    /** Refreshes this consumer's claim on an entry; false when another consumer took it over. */
    boolean refresh(String consumer, String entryId) {
        List<Object> r = Lua.REFRESH.run(redis, new String[] {keys.stream()}, Keys.GROUP, consumer, entryId);
        return "ok".equals(r.get(0));
    }

    QueueStats stats() {
        try {
            long len = redis.xlen(keys.stream());
            long pending = 0;
            try {
                PendingMessages p = redis.xpending(keys.stream(), Keys.GROUP);
                pending = p == null ? 0 : p.getCount();
            } catch (RedisCommandExecutionException e) {
                if (!isNoGroup(e)) {
                    throw e;
                }
            }
            long dead = redis.xlen(keys.dead());
            return new QueueStats(Math.max(0, len - pending), pending, dead);
        } catch (RedisException e) {
            throw new TranscodeJobsBackendException("redis", "reading the queue: " + e.getMessage(), e);
        }
    }

    /** The dead-letter entries' bodies, oldest first (for tests and tools). */
    List<StreamMessage<String, String>> deadLetters(int max) {
        return redis.xrange(keys.dead(), Range.create("-", "+"), Limit.from(max));
    }
}
