package io.stowage.testing.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP proxy in front of an S3 store (EmbeddedS3 in Stowage's tests), in the test's own process, that logs
 * every request the store answered ({@link #requests()}: how tests count requests) and what the store really stored: the key of every PUT of a whole object and every completed multipart upload the store answered with 2xx, in the order
 * they were answered. Worker processes under test talk plain HTTP to it, so nothing in them changes their S3 path
 * (an interceptor in the client switched s3-io's direct path off), and a worker killed after the store answered but
 * before it noted the answer cannot hide an object: the log is on the wire, not in the worker.
 *
 * <p>Optionally holds every object-creating request for {@code delay} before forwarding it, so a kill lands while
 * uploads are in flight.
 *
 * <pre>{@code
 * try (WireLog wire = new WireLog(store.endpoint(), "bucket").delay(200)) {
 *     Process worker = start(wire.endpoint());            // the worker talks to the proxy
 *     wire.awaitStored(3, Duration.ofSeconds(30), worker);
 *     assertThat(wire.stored()).doesNotHaveDuplicates();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class WireLog implements AutoCloseable {
    /**
     * One request as the store saw it and answered it ({@link #requests()}): how tests count requests.
     *
     * @param method the HTTP method
     * @param path the decoded path ({@code /bucket/key})
     * @param query the decoded query, or {@code null}
     * @param range the {@code Range} header, or {@code null}
     * @param ifMatch the {@code If-Match} header, or {@code null}
     * @param status the store's answer
     */
    public record Request(String method, String path, String query, String range, String ifMatch, int status) {
        /** True for a GET. */
        public boolean isGet() {
            return method.equals("GET");
        }
    }

    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final HttpClient client;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wire-log");
        t.setDaemon(true);
        return t;
    });
    private final URI target;
    private final String bucketPath;
    private volatile long delayMs;
    private final List<String> stored = new ArrayList<>();
    private final List<String> parts = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private int inFlight;

    /** A proxy in front of {@code target} that logs every request ({@link #requests()}) and no stored keys. */
    public WireLog(URI target) throws IOException {
        this(target, null);
    }

    /** A proxy in front of {@code target} that logs every request and the keys stored in {@code bucket}. */
    public WireLog(URI target, String bucket) throws IOException {
        this.target = target;
        this.bucketPath = bucket == null ? null : "/" + bucket + "/";
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Holds each object-creating request (PUT, part, complete) this long before forwarding it. */
    public WireLog delay(long ms) {
        this.delayMs = ms;
        return this;
    }

    /** Keys the store stored (whole PUTs and completed multipart uploads), in answer order. */
    public synchronized List<String> stored() {
        return List.copyOf(stored);
    }

    /** {@code key#partNumber} of every part the store accepted, in answer order. */
    public synchronized List<String> parts() {
        return List.copyOf(parts);
    }

    /** Every request the store answered (method, path, Range, If-Match, status), in answer order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the requests logged so far ({@link #stored()} and {@link #parts()} are kept). */
    public synchronized void clearRequests() {
        requests.clear();
    }

    private synchronized void logRequest(Request r) {
        requests.add(r);
    }

    /** Waits until at least {@code n} objects were stored, or the deadline. Returns whether they were. */
    public synchronized boolean awaitStored(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (stored.size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Waits until at least {@code n} objects were stored while {@code worker} runs, or the deadline. Returns whether
     * they were (false at once when the worker exits before).
     */
    public synchronized boolean awaitStored(int n, Duration timeout, Process worker) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (stored.size() < n && worker.isAlive()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        return stored.size() >= n;
    }

    /** Waits until at least {@code n} parts were accepted, or the deadline. Returns whether they were. */
    public synchronized boolean awaitParts(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (parts.size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Waits until no request is being forwarded (after a kill: what was sent has landed or failed). */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private synchronized void begin() {
        inFlight++;
    }

    private synchronized void end(String storedKey, String part) {
        inFlight--;
        if (storedKey != null) {
            stored.add(storedKey);
        }
        if (part != null) {
            parts.add(part);
        }
        notifyAll();
    }

    private void handle(HttpExchange ex) throws IOException {
        begin();
        String storedKey = null;
        String part = null;
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            URI uri = ex.getRequestURI();
            String method = ex.getRequestMethod();
            String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
            boolean creates = method.equals("PUT") || (method.equals("POST") && query.contains("uploadId="));
            if (creates && delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            URI to = URI.create(target.toString() + uri.getRawPath() + (query.isEmpty() ? "" : "?" + query));
            HttpRequest.Builder b = HttpRequest.newBuilder(to).method(method,
                    body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                for (String v : h.getValue()) {
                    b.header(h.getKey(), v);
                }
            }
            HttpResponse<byte[]> resp;
            try {
                resp = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            logRequest(new Request(method, uri.getPath(), uri.getQuery(), ex.getRequestHeaders().getFirst("Range"),
                    ex.getRequestHeaders().getFirst("If-Match"), resp.statusCode()));
            String path = uri.getRawPath();
            if (bucketPath != null && resp.statusCode() / 100 == 2 && path.startsWith(bucketPath)) {
                String key = URLDecoder.decode(path.substring(bucketPath.length()).replace("+", "%2B"),
                        StandardCharsets.UTF_8);
                boolean isPart = query.contains("partNumber=");
                if (method.equals("PUT") && isPart) {
                    part = key + "#" + query.replaceAll(".*partNumber=(\\d+).*", "$1");
                } else if (method.equals("PUT") && !query.contains("uploadId=")
                        && ex.getRequestHeaders().getFirst("x-amz-copy-source") == null) {
                    storedKey = key;
                } else if (method.equals("POST") && query.contains("uploadId=")
                        && !new String(resp.body(), StandardCharsets.UTF_8).contains("<Error>")) {
                    storedKey = key;
                }
            }
            for (Map.Entry<String, List<String>> h : resp.headers().map().entrySet()) {
                String k = h.getKey().toLowerCase(Locale.ROOT);
                if (HOP.contains(k) || k.equals(":status")) {
                    continue;
                }
                for (String v : h.getValue()) {
                    ex.getResponseHeaders().add(h.getKey(), v);
                }
            }
            byte[] rb = resp.body();
            boolean noBody = method.equals("HEAD") || rb.length == 0;
            if (method.equals("HEAD")) {
                resp.headers().firstValue("content-length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            }
            ex.sendResponseHeaders(resp.statusCode(), noBody ? -1 : rb.length);
            if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(rb);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away (killed): what the store answered is logged all the same
        } finally {
            end(storedKey, part);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
