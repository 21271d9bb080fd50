package io.stowage.testing.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny in-process HTTP server that speaks enough S3 (path-style ListObjectsV2, HEAD and GET of an object, with
 * ranges) to lie on demand: listed sizes that GET does not keep, bodies cut short, listings whose pages never end, and
 * XML that does not parse. It proves that a client gives a typed error instead of hanging or returning wrong bytes.
 * Requests are not authenticated (any credentials work); clients must use path-style addressing.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LyingS3 S3 = LyingS3.start();      // closed after the class; lies reset before each test
 *
 * @Test void truncatedGet() {
 *     S3.put("bucket", "a.bin", new byte[1000]).lie(LyingS3.Lie.TRUNCATED_BODY);
 *     S3Client s3 = S3Client.builder().endpointOverride(S3.endpoint()).forcePathStyle(true)...build();
 *     assertThatThrownBy(() -> download(s3, "bucket", "a.bin")).isInstanceOf(S3IoException.class);
 * }
 * }</pre>
 *
 * <p>Thread-safe: objects, lies and counters may be changed while requests are served (a request sees the lies in
 * force when it arrives). Each instance owns one listening socket on 127.0.0.1 and a pool of daemon threads.
 */
public final class LyingS3 implements AutoCloseable, BeforeEachCallback, AfterAllCallback {
    /**
     * What the server lies about; several may be in force at once, e.g. {@code s3.lie(Lie.TRUNCATED_BODY)}. Immutable
     * constants, safe to share.
     */
    public enum Lie {
        /** Listings and HEAD give each object's size one byte larger than GET returns (GET itself is consistent). */
        LISTED_SIZE_LARGER,
        /** Listings and HEAD give each object's size one byte smaller than GET returns. */
        LISTED_SIZE_SMALLER,
        /** GET announces the full {@code Content-Length}, sends half of the body, then drops the connection. */
        TRUNCATED_BODY,
        /** Every ListObjectsV2 page says {@code IsTruncated} with the same continuation token and the same keys. */
        ENDLESS_PAGES_SAME_TOKEN,
        /** Every ListObjectsV2 page says {@code IsTruncated} with a new token each time, and the same keys again. */
        ENDLESS_PAGES_NEW_TOKEN,
        /** ListObjectsV2 answers 200 with XML cut off in the middle of an element. */
        MALFORMED_LIST_XML
    }

    /**
     * How many lying pages an endless listing sends by default before it ends with a last, honest-looking page: a
     * client that never notices the lie then fails its test on duplicate keys or on {@link #listRequests()} instead
     * of hanging it. {@link #endlessPageLimit(int)} changes it.
     */
    public static final int ENDLESS_PAGE_LIMIT = 1_000;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** One stored object. */
    private record Obj(byte[] content, String eTag, Instant lastModified) {
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, NavigableMap<String, Obj>> buckets = new ConcurrentHashMap<>();
    private final Set<Lie> lies = ConcurrentHashMap.newKeySet();
    private final AtomicInteger listRequests = new AtomicInteger();
    private final AtomicInteger getRequests = new AtomicInteger();
    private final AtomicInteger headRequests = new AtomicInteger();
    private final AtomicInteger endlessPages = new AtomicInteger();
    private volatile int endlessPageLimit = ENDLESS_PAGE_LIMIT;

    private LyingS3(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    /**
     * Starts a server on a free port of 127.0.0.1, telling the truth until {@link #lie(Lie...)}.
     *
     * @throws UncheckedIOException when no port can be bound
     */
    public static LyingS3 start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            AtomicInteger n = new AtomicInteger();
            ExecutorService pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "lying-s3-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            LyingS3 s3 = new LyingS3(server, pool);
            server.setExecutor(pool);
            server.createContext("/", s3::handle);
            server.start();
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the lying S3 server on 127.0.0.1", e);
        }
    }

    /** The endpoint to give the S3 client ({@code http://127.0.0.1:PORT}); use path-style addressing. */
    public URI endpoint() {
        InetSocketAddress a = server.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    /** Creates the bucket if needed and stores (or replaces) an object; returns this server. */
    public LyingS3 put(String bucket, String key, byte[] content) {
        byte[] copy = content.clone();
        buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>(S3Xml::compareUtf8))
                .put(key, new Obj(copy, md5Hex(copy), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        return this;
    }

    /** Creates an empty bucket (listings of it return nothing); returns this server. */
    public LyingS3 createBucket(String bucket) {
        buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>(S3Xml::compareUtf8));
        return this;
    }

    /** Puts these lies in force, replacing the previous ones; no argument means the truth. Returns this server. */
    public LyingS3 lie(Lie... newLies) {
        Set<Lie> set = newLies.length == 0 ? EnumSet.noneOf(Lie.class) : EnumSet.copyOf(List.of(newLies));
        lies.retainAll(set);
        lies.addAll(set);
        endlessPages.set(0);
        return this;
    }

    /**
     * Sets how many lying pages an endless listing sends before its last page (default {@link #ENDLESS_PAGE_LIMIT});
     * returns this server.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    public LyingS3 endlessPageLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("endless page limit " + limit + " is below 1");
        }
        endlessPageLimit = limit;
        return this;
    }

    /**
     * Tells the truth again, restores the default endless page limit and sets the request counters to zero (done
     * before each test by the extension). Objects stay.
     */
    public LyingS3 reset() {
        lies.clear();
        endlessPages.set(0);
        endlessPageLimit = ENDLESS_PAGE_LIMIT;
        listRequests.set(0);
        getRequests.set(0);
        headRequests.set(0);
        return this;
    }

    /** Forgets every bucket and object. */
    public LyingS3 clear() {
        buckets.clear();
        return this;
    }

    /** ListObjectsV2 requests served since the last {@link #reset()}. */
    public int listRequests() {
        return listRequests.get();
    }

    /** GET object requests served since the last {@link #reset()}. */
    public int getRequests() {
        return getRequests.get();
    }

    /** HEAD object requests served since the last {@link #reset()}. */
    public int headRequests() {
        return headRequests.get();
    }

    /** Stops the server (in-flight exchanges are dropped). */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public String toString() {
        return "LyingS3[" + endpoint() + ", lies " + lies + "]";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String raw = ex.getRequestURI().getRawPath();
            String path = raw.startsWith("/") ? raw.substring(1) : raw;
            int slash = path.indexOf('/');
            String bucket = S3Xml.percentDecode(slash < 0 ? path : path.substring(0, slash));
            String key = slash < 0 || slash == path.length() - 1 ? null
                    : S3Xml.percentDecode(path.substring(slash + 1));
            Map<String, String> query = S3Xml.query(ex.getRequestURI().getRawQuery());
            NavigableMap<String, Obj> objects = buckets.get(bucket);
            String method = ex.getRequestMethod();
            if (objects == null || bucket.isEmpty()) {
                error(ex, 404, "NoSuchBucket", "The specified bucket does not exist", method);
            } else if (key == null && "GET".equals(method) && "2".equals(query.get("list-type"))) {
                list(ex, bucket, objects, query);
            } else if (key == null && "HEAD".equals(method)) {
                ex.sendResponseHeaders(200, -1);
            } else if (key != null && ("GET".equals(method) || "HEAD".equals(method))) {
                Obj o = objects.get(key);
                if (o == null) {
                    error(ex, 404, "NoSuchKey", "The specified key does not exist.", method);
                } else if ("HEAD".equals(method)) {
                    headRequests.incrementAndGet();
                    head(ex, o);
                } else {
                    getRequests.incrementAndGet();
                    get(ex, o);
                }
            } else {
                error(ex, 501, "NotImplemented", "LyingS3 serves ListObjectsV2, HEAD and GET only: " + method + " "
                        + ex.getRequestURI(), method);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or a lie cut the body short on purpose: nothing to answer
        }
    }

    private long listedSize(Obj o) {
        long size = o.content().length;
        if (lies.contains(Lie.LISTED_SIZE_LARGER)) {
            return size + 1;
        }
        if (lies.contains(Lie.LISTED_SIZE_SMALLER)) {
            return Math.max(0, size - 1);
        }
        return size;
    }

    private void list(HttpExchange ex, String bucket, NavigableMap<String, Obj> objects, Map<String, String> q)
            throws IOException {
        listRequests.incrementAndGet();
        if (lies.contains(Lie.MALFORMED_LIST_XML)) {
            String xml = S3Xml.HEADER + "<ListBucketResult xmlns=\"" + S3Xml.NS + "\"><Name>" + S3Xml.escape(bucket)
                    + "</Name><IsTruncated>false</IsTruncated><Contents><Key>a</Ke";
            send(ex, 200, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
            return;
        }
        String prefix = q.getOrDefault("prefix", "");
        String token = q.get("continuation-token");
        String after = token != null ? S3Xml.tokenKey(token) : q.get("start-after");
        int maxKeys = Math.min(1000, Math.max(0, Integer.parseInt(q.getOrDefault("max-keys", "1000"))));
        boolean endless = lies.contains(Lie.ENDLESS_PAGES_SAME_TOKEN) || lies.contains(Lie.ENDLESS_PAGES_NEW_TOKEN);
        if (endless) {
            after = null; // every page lists the first keys again
        }
        S3Xml.Page page = new S3Xml.Page(bucket, prefix, q.get("delimiter"), maxKeys, token,
                "url".equals(q.get("encoding-type")));
        // a page that ended on a common prefix continues after every key under it
        String skip = after != null && page.commonPrefix(after) != null ? page.commonPrefix(after) : null;
        NavigableMap<String, Obj> from = after == null ? objects : objects.tailMap(after, false);
        for (Map.Entry<String, Obj> e : from.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) {
                if (S3Xml.compareUtf8(key, prefix) > 0) {
                    break;
                }
                continue;
            }
            if (page.inLastCommonPrefix(key) || skip != null && key.startsWith(skip)) {
                continue;
            }
            if (page.full()) {
                page.truncate(S3Xml.token(page.lastKey()));
                break;
            }
            Obj o = e.getValue();
            page.add(key, listedSize(o), o.eTag(), o.lastModified());
        }
        if (endless && endlessPages.incrementAndGet() <= endlessPageLimit) {
            page.truncate(lies.contains(Lie.ENDLESS_PAGES_SAME_TOKEN) ? "same-token"
                    : "new-token-" + endlessPages.get());
        } else if (endless) {
            page.truncate(null);
        }
        send(ex, 200, "application/xml", page.xml().getBytes(StandardCharsets.UTF_8));
    }

    private void head(HttpExchange ex, Obj o) throws IOException {
        headers(ex, o);
        ex.getResponseHeaders().set("Content-Length", Long.toString(listedSize(o)));
        ex.sendResponseHeaders(200, -1);
    }

    private void get(HttpExchange ex, Obj o) throws IOException {
        byte[] c = o.content();
        long start = 0;
        long end = c.length - 1L;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            long[] r = S3Xml.range(range.substring(6), c.length);
            if (r == null) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + c.length);
                error(ex, 416, "InvalidRange", "The requested range is not satisfiable", "GET");
                return;
            }
            start = r[0];
            end = r[1];
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + c.length);
        }
        headers(ex, o);
        int length = (int) (end - start + 1);
        ex.sendResponseHeaders(status, length == 0 ? -1 : length);
        if (length == 0) {
            return;
        }
        OutputStream out = ex.getResponseBody();
        if (lies.contains(Lie.TRUNCATED_BODY)) {
            out.write(c, (int) start, length / 2);
            out.flush();
            throw new IOException("body cut short on purpose"); // closing the exchange drops the connection
        }
        out.write(c, (int) start, length);
    }

    private static void headers(HttpExchange ex, Obj o) {
        ex.getResponseHeaders().set("ETag", "\"" + o.eTag() + "\"");
        ex.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(o.lastModified()));
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
    }

    private static void error(HttpExchange ex, int status, String code, String message, String method)
            throws IOException {
        if ("HEAD".equals(method)) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        String xml = S3Xml.HEADER + "<Error><Code>" + code + "</Code><Message>" + S3Xml.escape(message)
                + "</Message><RequestId>lying-s3</RequestId></Error>";
        send(ex, status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
    }

    private static String md5Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }
}
