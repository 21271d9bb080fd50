package io.stowage.des.s3;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.UUID;

/**
 * The Redis of the tests: {@code STOWAGE_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379}). A test class takes a
 * key prefix of its own and deletes it afterwards. Unreachable Redis fails the test with the fix, never skips it.
 */
final class TestRedis {
    static final String VARIABLE = "STOWAGE_TEST_REDIS_URL";

    private TestRedis() {
    }

    static String url() {
        String u = System.getenv(VARIABLE);
        return u == null || u.isBlank() ? "redis://127.0.0.1:6379" : u.trim();
    }

    /** A fresh prefix for one test class, e.g. {@code stowage-test:IndexCacheTest:1a2b3c4d:}. */
    static String prefix(Class<?> testClass) {
        return "stowage-test:" + testClass.getSimpleName() + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Fails with the variable's name and how to start Redis when it does not answer PING. */
    static void requireReachable() {
        String url = url();
        RedisClient client = RedisClient.create();
        try {
            RedisURI uri = RedisURI.create(url);
            uri.setTimeout(Duration.ofSeconds(2));
            try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                c.sync().ping();
            }
        } catch (RuntimeException e) {
            throw new AssertionError("Redis at " + url + " is not reachable (" + e + "). These tests need a real Redis:"
                    + " start one (e.g. `redis-server --port 6379 --daemonize yes`, or `docker run -p 6379:6379"
                    + " redis:7`) or point " + VARIABLE + " at one, e.g. " + VARIABLE + "=redis://127.0.0.1:6379", e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
