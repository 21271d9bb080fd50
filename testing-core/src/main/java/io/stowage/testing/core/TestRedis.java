package io.stowage.testing.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;

/**
 * The Redis of the tests: {@code STOWAGE_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379}). A test class takes
 * a key prefix of its own ({@link #prefix(Class)}) and deletes its keys afterwards with its own client. An unreachable
 * Redis fails the test with the fix, never skips it. The reachability check speaks RESP over a plain socket, so this
 * module needs no Redis client.
 *
 * <pre>{@code
 * static final String PREFIX = TestRedis.prefix(IndexCacheTest.class);
 * @BeforeAll static void redis() {
 *     TestRedis.requireReachable();
 *     cache = RedisIndexCache.builder(TestRedis.url()).keyPrefix(PREFIX).build();
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class TestRedis {
    /** The environment variable that names the test server's URL. */
    public static final String VARIABLE = "STOWAGE_TEST_REDIS_URL";
    /** The server used when {@link #VARIABLE} is unset. */
    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";

    private static final int TIMEOUT_MS = 2_000;

    private TestRedis() {
    }

    /** The server's URL: {@link #VARIABLE}, else {@link #DEFAULT_URL}. */
    public static String url() {
        String u = System.getenv(VARIABLE);
        return u == null || u.isBlank() ? DEFAULT_URL : u.trim();
    }

    /** A fresh prefix for one test class, e.g. {@code stowage-test:IndexCacheTest:1a2b3c4d:}. */
    public static String prefix(Class<?> testClass) {
        return "stowage-test:" + testClass.getSimpleName() + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /**
     * Sends {@code PING} (after {@code AUTH} when the URL has a password) and expects {@code PONG}.
     *
     * @throws AssertionError naming the variable and how to start Redis when the server does not answer
     */
    public static void requireReachable() {
        String url = url();
        try {
            String reply = ping(URI.create(url));
            if (!"PONG".equals(reply)) {
                throw new IOException("PING answered " + reply);
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("Redis at " + url + " is not reachable (" + e + "). These tests need a real Redis:"
                    + " start one (e.g. `redis-server --port 6379 --daemonize yes`, or `docker run -p 6379:6379"
                    + " redis:7`) or point " + VARIABLE + " at one, e.g. " + VARIABLE + "=redis://127.0.0.1:6379", e);
        }
    }

    private static String ping(URI uri) throws IOException {
        boolean tls = "rediss".equalsIgnoreCase(uri.getScheme());
        if (!tls && !"redis".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a redis:// or rediss:// URL: " + uri);
        }
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            Socket s = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true)
                    : plain;
            try {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                List<String> auth = auth(uri.getRawUserInfo());
                if (!auth.isEmpty()) {
                    send(out, auth);
                    String r = readLine(in);
                    if (!r.startsWith("+")) {
                        throw new IOException("AUTH answered " + r);
                    }
                }
                send(out, List.of("PING"));
                String r = readLine(in);
                return r.startsWith("+") ? r.substring(1) : r;
            } finally {
                if (s != plain) {
                    s.close();
                }
            }
        }
    }

    /** AUTH arguments from {@code user:password} or {@code :password} user info; none without a password. */
    private static List<String> auth(String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return List.of();
        }
        int colon = rawUserInfo.indexOf(':');
        List<String> cmd = new ArrayList<>(List.of("AUTH"));
        if (colon < 0) {
            cmd.add(decode(rawUserInfo));
        } else {
            if (colon > 0) {
                cmd.add(decode(rawUserInfo.substring(0, colon)));
            }
            cmd.add(decode(rawUserInfo.substring(colon + 1)));
        }
        return cmd;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void send(OutputStream out, List<String> args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.size()).append("\r\n");
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') {
                in.read();
                return b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("connection closed after '" + b + "'");
    }
}
