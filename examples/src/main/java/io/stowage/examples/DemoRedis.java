package io.stowage.examples;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where the demos that need Redis find it: {@code STOWAGE_REDIS}, else {@code redis://127.0.0.1:6379}; and whether it
 * answers. A demo whose Redis does not answer prints one line saying how to start one and passes (it is skipped, not
 * failed).
 *
 * <p>Stateless and thread-safe.
 */
final class DemoRedis {
    private DemoRedis() {}

    /** The Redis URL the demos use. */
    static String url() {
        String v = System.getenv("STOWAGE_REDIS");
        return v == null || v.isBlank() ? "redis://127.0.0.1:6379" : v.strip();
    }

    /**
     * True when a TCP connection to the Redis of {@link #url()} opens within a second; otherwise prints the one line
     * of how to start one to {@code out} and returns false.
     */
    static boolean reachableOrSay(PrintStream out) {
        String url = url();
        try {
            URI u = URI.create(url);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost() == null ? "127.0.0.1" : u.getHost(),
                        u.getPort() < 0 ? 6379 : u.getPort()), 1000);
                return true;
            }
        } catch (Exception e) {
            out.println("  skipped: needs Redis at " + url + " (not reachable: start one with `redis-server"
                    + " --daemonize yes` or `docker run -d -p 6379:6379 redis:7`, or set STOWAGE_REDIS)");
            return false;
        }
    }

    /** A demo body that runs with its own Redis key prefix. */
    @FunctionalInterface
    interface PrefixedRun {
        void run(String prefix) throws Exception;
    }

    /**
     * Runs {@code body} under a fresh key prefix and deletes every key under it afterwards, whatever happened; when Redis
     * does not answer, prints how to start one to {@code out} and skips {@code body}.
     */
    static void withFreshPrefix(PrintStream out, PrefixedRun body) throws Exception {
        if (!reachableOrSay(out)) {
            return;
        }
        String prefix = freshPrefix();
        try {
            body.run(prefix);
        } finally {
            dropKeys(prefix);
        }
    }

    /** A fresh key prefix for one demo run, so runs at the same time never share a queue. */
    static String freshPrefix() {
        return "stowage:demo:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Deletes every key under {@code prefix} (the run's queue, jobs and histories) once the demo is done. */
    static void dropKeys(String prefix) {
        RedisClient client = RedisClient.create(url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = new ArrayList<>();
            ScanIterator.scan(c.sync(), ScanArgs.Builder.matches(prefix + "*").limit(500)).forEachRemaining(keys::add);
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
