package io.stowage.des.s3;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An index cache in Redis, shared by every reader process: each archive's META+INDEX+FOOTER bytes, deflated, under
 * {@code {prefix}{bucket}/{key}} with a TTL (see {@code IndexCodec}); a value read back is parsed and validated again,
 * so a damaged or foreign value is a miss, never a wrong offset. Needs Lettuce ({@code io.lettuce:lettuce-core}) on the
 * class path.
 *
 * <pre>{@code
 * try (IndexCache cache = IndexCache.layered(IndexCache.caffeine(64L << 20),
 *         RedisIndexCache.builder("redis://127.0.0.1:6379").ttl(Duration.ofHours(12)).build())) {
 *     S3DesReader r = S3DesReader.builder(s3, "media", "day.des").indexCache(cache).open();
 * }
 * }</pre>
 *
 * <p>Failures degrade, never fail a read: the connection is awaited up to {@link Builder#connectTimeout} (default
 * 10 s, a fresh JVM's first connect is slow), commands time out after {@link Builder#commandTimeout} (default 250 ms),
 * commands issued while disconnected are rejected at once (not queued), and after a failure Redis is left alone for
 * {@link Builder#retryAfter} (default 5 s) with one warning per outage; meanwhile every lookup is a miss, so readers
 * load indexes from S3 directly. An outage costs at most one timeout per {@code retryAfter}. Writes are asynchronous.
 *
 * <p>Thread-safe; one connection is shared by all threads (Redis pipelines them). Close it when done.
 */
public final class RedisIndexCache implements IndexCache {
    private static final Logger LOG = LoggerFactory.getLogger(RedisIndexCache.class);

    private final RedisURI uri;
    private final String display;
    private final String prefix;
    private final Duration ttl;
    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final long retryAfterNanos;
    private final int maxValueBytes;
    private final RedisClient client;
    private final Object lock = new Object();
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile long downUntil;
    private volatile boolean down;
    private volatile boolean closed;

    private RedisIndexCache(Builder b) {
        this.uri = b.uri;
        this.display = b.display;
        this.prefix = b.prefix;
        this.ttl = b.ttl;
        this.commandTimeout = b.commandTimeout;
        this.connectTimeout = b.connectTimeout;
        this.retryAfterNanos = b.retryAfter.toNanos();
        this.maxValueBytes = b.maxValueBytes;
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
    }

    /**
     * A builder for {@code redis://[:password@]HOST[:PORT][/DATABASE]} (or {@code rediss://} for TLS).
     *
     * @throws IllegalArgumentException when the URL is not a Redis URL
     */
    public static Builder builder(String redisUrl) {
        return new Builder(redisUrl);
    }

    /** Configures a {@link RedisIndexCache}. Not thread-safe; build once. */
    public static final class Builder {
        private final RedisURI uri;
        private final String display;
        private String prefix = "stowage:des-index:";
        private Duration ttl = Duration.ofDays(1);
        private Duration commandTimeout = Duration.ofMillis(250);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration retryAfter = Duration.ofSeconds(5);
        private int maxValueBytes = 64 << 20;

        private Builder(String url) {
            Objects.requireNonNull(url, "redisUrl");
            if (!(url.startsWith("redis://") || url.startsWith("rediss://"))) {
                throw new IllegalArgumentException("Redis URL '" + url + "' must start with redis:// or rediss://,"
                        + " e.g. redis://127.0.0.1:6379");
            }
            try {
                this.uri = RedisURI.create(url);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Redis URL '" + url + "' is not valid: " + e.getMessage()
                        + "; use e.g. redis://127.0.0.1:6379", e);
            }
            this.display = (url.startsWith("rediss") ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort();
        }

        /** Key prefix (default {@code stowage:des-index:}); give each deployment or test its own. */
        public Builder keyPrefix(String p) {
            this.prefix = Objects.requireNonNull(p, "prefix");
            return this;
        }

        /** How long an index stays in Redis after it was stored (default 1 day; at least 1 s). */
        public Builder ttl(Duration d) {
            if (d.toMillis() < 1000) {
                throw new IllegalArgumentException("ttl " + d + " is below 1 s");
            }
            this.ttl = d;
            return this;
        }

        /** Longest wait for one Redis command (default 250 ms; 1 ms to 60 s). */
        public Builder commandTimeout(Duration d) {
            if (d.toMillis() < 1 || d.toSeconds() > 60) {
                throw new IllegalArgumentException("commandTimeout " + d + " is outside 1 ms..60 s");
            }
            this.commandTimeout = d;
            return this;
        }

        /**
         * Longest wait for the connection (default 10 s; 1 ms to 60 s). Kept apart from the command timeout: the first
         * connect of a fresh JVM loads Netty and Lettuce, which took 2.5-3.5 s on a loaded build machine, so a CLI
         * run with {@code --index-cache} never used Redis under the old 250 ms. A refused connection fails at once;
         * only an unreachable host costs this wait, once per {@link #retryAfter}.
         */
        public Builder connectTimeout(Duration d) {
            if (d.toMillis() < 1 || d.toSeconds() > 60) {
                throw new IllegalArgumentException("connectTimeout " + d + " is outside 1 ms..60 s");
            }
            this.connectTimeout = d;
            return this;
        }

        /** How long Redis is left alone after a failure (default 5 s; 0 retries at once). */
        public Builder retryAfter(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("retryAfter " + d + " is negative");
            }
            this.retryAfter = d;
            return this;
        }

        /** Largest index (META+INDEX+FOOTER bytes) stored or accepted (default 64 MiB). */
        public Builder maxValueBytes(int n) {
            if (n < 1024) {
                throw new IllegalArgumentException("maxValueBytes " + n + " is below 1024");
            }
            this.maxValueBytes = n;
            return this;
        }

        /** Builds the cache; it connects on first use (a Redis that is down is not an error here). */
        public RedisIndexCache build() {
            return new RedisIndexCache(this);
        }
    }

    private byte[] redisKey(String bucket, String key) {
        return (prefix + bucket + "/" + key).getBytes(StandardCharsets.UTF_8);
    }

    /** The connection, or {@code null} while Redis is considered down. */
    private StatefulRedisConnection<byte[], byte[]> connection() {
        if (closed) {
            return null;
        }
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            return down && System.nanoTime() - downUntil < 0 ? null : c;
        }
        if (down && System.nanoTime() - downUntil < 0) {
            return null;
        }
        synchronized (lock) {
            if (connection == null && !closed) {
                try {
                    RedisURI u = RedisURI.builder(uri).withTimeout(connectTimeout).build();
                    StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE, u);
                    conn.setTimeout(commandTimeout);
                    connection = conn;
                } catch (RuntimeException e) {
                    failed("connect", e);
                    return null;
                }
            }
            return connection;
        }
    }

    private void failed(String what, Throwable e) {
        downUntil = System.nanoTime() + retryAfterNanos;
        if (!down) {
            down = true;
            LOG.warn("Redis index cache at {} is unavailable ({} failed: {}); reading archive indexes from S3"
                            + " directly and retrying Redis every {} ms", display, what, e.toString(),
                    retryAfterNanos / 1_000_000);
        }
    }

    private void succeeded() {
        if (down) {
            down = false;
            LOG.info("Redis index cache at {} is reachable again", display);
        }
    }

    @Override
    public CachedIndex get(String bucket, String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection();
        if (c == null) {
            return null;
        }
        byte[] value;
        byte[] k = redisKey(bucket, key);
        try {
            value = c.sync().get(k);
            succeeded();
        } catch (RuntimeException e) {
            failed("GET", e);
            return null;
        }
        if (value == null) {
            return null;
        }
        try {
            return IndexCodec.decode("s3://" + bucket + "/" + key, value, maxValueBytes);
        } catch (DesS3InvalidCacheValueException e) {
            LOG.warn("Redis index cache at {}: the value under '{}' is not a valid index ({}); deleting it and"
                    + " reading the index from S3", display, new String(k, StandardCharsets.UTF_8), e.getMessage());
            c.async().del(k);
            return null;
        }
    }

    @Override
    public void put(String bucket, String key, CachedIndex index) {
        if (index.suffix() == null || index.suffix().length > maxValueBytes) {
            return;   // nothing to store, or too big for a shared cache
        }
        StatefulRedisConnection<byte[], byte[]> c = connection();
        if (c == null) {
            return;
        }
        try {
            c.async().set(redisKey(bucket, key), IndexCodec.encode(index), SetArgs.Builder.px(ttl.toMillis()))
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            failed("SET", e);
                        }
                    });
        } catch (RuntimeException e) {
            failed("SET", e);
        }
    }

    @Override
    public void invalidate(String bucket, String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection();
        if (c == null) {
            return;
        }
        try {
            c.async().del(redisKey(bucket, key)).whenComplete((n, e) -> {
                if (e != null) {
                    failed("DEL", e);
                }
            });
        } catch (RuntimeException e) {
            failed("DEL", e);
        }
    }

    /**
     * Deletes every key under this cache's prefix (SCAN + DEL) and returns how many were deleted; for tests and
     * operators. Unlike lookups this throws when Redis cannot be reached.
     */
    public long clear() {
        StatefulRedisConnection<byte[], byte[]> c = connection();
        if (c == null) {
            throw new IllegalStateException("Redis index cache at " + display + " is unavailable");
        }
        String pattern = prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
        long deleted = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = c.sync().scan(cursor,
                    ScanArgs.Builder.matches(pattern.getBytes(StandardCharsets.UTF_8)).limit(500));
            List<byte[]> keys = page.getKeys();
            if (!keys.isEmpty()) {
                deleted += c.sync().del(keys.toArray(new byte[0][]));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    /** Whether the last command failed and Redis is being left alone. */
    public boolean isDown() {
        return down;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing the Redis connection: {}", e.toString());
                }
                connection = null;
            }
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "RedisIndexCache[" + display + ", prefix " + prefix + ", ttl " + ttl + "]";
    }
}
