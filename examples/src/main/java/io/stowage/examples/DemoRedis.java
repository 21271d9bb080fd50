package io.stowage.examples;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

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
}
