package io.stowage.service.des;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stowage.des.ingest.DesFileService;
import io.stowage.des.ingest.DesIngestRangeNotSatisfiableException;
import io.stowage.service.ErrorFormat;
import io.stowage.service.ServiceServer;
import io.stowage.service.internal.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET|HEAD /files/{name}} served by a plain Jetty handler in front of Javalin's servlet context; every other
 * request goes on to Javalin. Why: issue #22 asks /files for at least 70 % of a bare {@code S3DesReader} loop's
 * requests/s, and through Javalin (servlet layer, Javalin's context, routing, request logger, StatisticsHandler) it
 * got 66 % on a quiet machine, the HTTP layer costing 0.08 to 0.1 ms of the service's 0.23 to 0.27 ms of CPU per 4 KiB
 * request. Measured alternately in one session on 2 busy cores (DesServeBenchmark; NOTES-files-perf3.md,
 * docs/des-names.md): 0.19 to 0.22 ms of JVM CPU per request with this handler against 0.23 to 0.31 ms through
 * Javalin. Answers are the Javalin route's byte for byte, header order included (a raw-socket capture of 43 request
 * forms on both ports before and after): the {@code X-DES-*} headers, ETag, Accept-Ranges,
 * {@code application/octet-stream}, Content-Length, {@code Range} (206 with Content-Range, 416 with
 * {@code Content-Range: bytes *}{@code /N}), {@code {"detail": ...}} errors (404 without an S3 request, 503 when the
 * store or the name index fails, 500 otherwise); paths the route did not match and other methods reach Javalin as
 * before. The meters are ServiceServer's: {@code des_retriever_requests_total{method,status}} and
 * {@code http_server_requests_seconds{method,uri="/files/{name}",status}}.
 *
 * <p>Bodies up to 64 KiB are read and verified whole, then sent with the headers in one write (a checksum failure is
 * a 500 before anything is sent); larger ones stream in 64 KiB pieces. One instance per Jetty server (a handler
 * belongs to one server); the {@link Meters} are shared. Thread-safe.
 */
final class DesFilesHandler extends Handler.Wrapper {
    /** The route the request timer is tagged with, as Javalin's route template was. */
    static final String ROUTE = "/files/{name}";
    private static final String PREFIX = "/files/";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    /** Bodies up to this size are read whole before the first byte is sent; larger ones stream in such pieces. */
    private static final int SMALL = 64 * 1024;
    private static final String OCTETS = "application/octet-stream";
    private final DesFileService files;
    private final Meters meters;

    DesFilesHandler(DesFileService files, Meters meters) {
        this.files = files;
        this.meters = meters;
    }

    /**
     * Puts a new handler first in {@code server}'s chain, ahead of Javalin's StatisticsHandler (counters nothing reads;
     * not a graceful-stop handler in Jetty 12) and of the servlet context Javalin attaches inside it.
     */
    static void install(org.eclipse.jetty.server.Server server, DesFileService files, Meters meters) {
        server.insertHandler(new DesFilesHandler(files, meters));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        String name = head || method.equals("GET") ? name(request.getHttpURI().getPath()) : null;
        if (name == null) {
            return super.handle(request, response, callback);
        }
        long t0 = System.nanoTime();
        int status;
        try {
            status = head ? head(name, response, callback) : get(name, request, response, callback);
        } catch (Exception e) {
            status = fail(e, method, request.getHttpURI().getPath(), response, callback);
        }
        meters.record(head, status, System.nanoTime() - t0);
        return true;
    }

    /**
     * The name in a raw path that Javalin's {@code /files/{name}} would match (one segment, one trailing slash
     * allowed), decoded as Javalin decodes path parameters ({@code +} stays); null for any other path.
     */
    static String name(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        int end = path.length() - (path.endsWith("/") ? 1 : 0);
        int slash = path.indexOf('/', PREFIX.length());
        if (end <= PREFIX.length() || slash >= 0 && slash < end) {
            return null;
        }
        String raw = path.substring(PREFIX.length(), end);
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;    // left to Javalin, as before
        }
    }

    private int head(String name, Response response, Callback callback) {
        Optional<DesFileService.FileInfo> info = files.head(name);
        HttpFields.Mutable h = response.getHeaders();
        if (info.isEmpty()) {
            h.put("X-DES-Exists", "false");
            throw new io.stowage.service.ServiceNotFoundException("File not found");
        }
        DesFileService.FileInfo i = info.get();
        h.put(HttpHeader.CONTENT_TYPE, OCTETS);
        h.put("X-DES-Exists", "true");
        headers(h, i);
        h.put(HttpHeader.CONTENT_LENGTH, i.size());
        response.setStatus(200);
        response.write(true, null, callback);
        return 200;
    }

    /** The file's headers (Content-Type first, Content-Length last: the order Javalin's answers had). */
    private static void headers(HttpFields.Mutable h, DesFileService.FileInfo i) {
        h.put(HttpHeader.CONTENT_TYPE, OCTETS);
        h.put("X-DES-Container", i.container());
        h.put("X-DES-Shard-Id", Integer.toString(i.shardId()));
        h.put("X-DES-Size-Bytes", Long.toString(i.size()));
        h.put("X-DES-Is-External", Boolean.toString(i.external()));
        h.put(HttpHeader.ETAG, i.etag());
        h.put(HttpHeader.ACCEPT_RANGES, "bytes");
    }

    private int get(String name, Request request, Response response, Callback callback) throws IOException {
        long start = 0;
        long length = -1;
        String range = request.getHeaders().get(HttpHeader.RANGE);
        boolean ranged = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range.strip());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                ranged = true;
                if (m.group(1).isEmpty()) {           // bytes=-N: the last N bytes
                    Optional<DesFileService.FileInfo> i = files.head(name);
                    if (i.isEmpty()) {
                        throw new io.stowage.service.ServiceNotFoundException("File not found");
                    }
                    long n = Long.parseLong(m.group(2));
                    long size = i.get().size();
                    if (n == 0) {
                        return unsatisfiable(response, callback, size);
                    }
                    start = Math.max(0, size - n);
                } else {
                    start = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        long end = Long.parseLong(m.group(2));
                        if (end < start) {
                            ranged = false;            // invalid range: ignored (RFC 9110 14.2)
                            start = 0;
                        } else {
                            length = end - start + 1;
                        }
                    }
                }
            }                                          // other units or several ranges: the whole file
        }
        Optional<DesFileService.FileStream> opened;
        try {
            opened = files.open(name, start, length);
        } catch (DesIngestRangeNotSatisfiableException e) {
            return unsatisfiable(response, callback, e.size());
        }
        if (opened.isEmpty()) {
            throw new io.stowage.service.ServiceNotFoundException("File not found");
        }
        int status;
        byte[] small = null;
        DesFileService.FileStream f = opened.get();
        HttpFields.Mutable h = response.getHeaders();
        try (f; InputStream in = f.body()) {
            if (ranged && f.info().size() == 0) {
                return unsatisfiable(response, callback, 0);   // no byte range of an empty file exists
            }
            long n = f.length();
            if (n <= SMALL) {   // read and verified whole (the read at the end runs the stream's final check)
                small = new byte[(int) n];
                int got = in.readNBytes(small, 0, small.length);
                if (got != small.length || in.read() != -1) {
                    throw new IOException(f.info().desName() + ": the store sent " + got + " of " + n + " bytes");
                }
            }
            headers(h, f.info());
            if (ranged) {                              // 206 even for the whole file: players expect it
                status = 206;
                h.put(HttpHeader.CONTENT_RANGE, "bytes " + f.start() + "-" + (f.start() + n - 1) + "/"
                        + f.info().size());
            } else {
                status = 200;
            }
            h.put(HttpHeader.CONTENT_LENGTH, n);
            response.setStatus(status);
            if (small == null) {
                OutputStream out = Content.Sink.asOutputStream(response);   // blocking writes
                byte[] b = new byte[SMALL];
                for (int r; (r = in.read(b)) != -1; ) {
                    out.write(b, 0, r);
                }
                out.close();                           // the last write
                callback.succeeded();
                return status;
            }
        }
        response.write(true, ByteBuffer.wrap(small), callback);   // headers and body in one send
        return status;
    }

    private static int unsatisfiable(Response response, Callback callback, long size) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
        return json(response, callback, 416, "Range Not Satisfiable: the file has " + size + " bytes");
    }

    /**
     * Answers a failure as ServiceServer's error mapping answers the Javalin routes ({@link ServiceServer#failure},
     * with {@link DesServer#ERRORS}: the store or index down 503, an unmapped exception a logged 500). Once the body
     * has begun (a large file failing midway) the connection is aborted instead.
     */
    private static int fail(Exception e, String method, String path, Response response, Callback callback) {
        ServiceServer.Failure f = ServiceServer.failure(e, DesServer.ERRORS, method, path);
        int status = f.status();
        String message = f.message();
        if (response.isCommitted()) {
            callback.failed(e);
            return 500;
        }
        try {
            String exists = response.getHeaders().get("X-DES-Exists");
            response.getHeaders().clear();
            if (exists != null) {
                response.getHeaders().put("X-DES-Exists", exists);
            }
            return json(response, callback, status, message);
        } catch (Throwable t) {
            callback.failed(t);
            return status;
        }
    }

    /** {@code {"detail": message}} with {@code status}, headers in the order Javalin's ctx.json had them. */
    private static int json(Response response, Callback callback, int status, String message) throws IOException {
        byte[] b = Json.MAPPER.writeValueAsBytes(new ErrorFormat.DetailBody(message));
        response.setStatus(status);
        HttpFields.Mutable h = response.getHeaders();
        HttpFields set = h.asImmutable();
        h.clear();
        h.put(HttpHeader.CONTENT_TYPE, "application/json");
        h.add(set);
        h.put(HttpHeader.CONTENT_LENGTH, b.length);
        response.write(true, ByteBuffer.wrap(b), callback);
        return status;
    }

    /**
     * {@code des_retriever_requests_total{method,status}} and the request timer of GET (0..599) and HEAD (600..1199)
     * by status, registered on first use (no meter id and registry lookup per request); shared by the ports' handlers.
     */
    static final class Meters {
        private final MeterRegistry registry;
        private final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(1200);
        private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(1200);

        Meters(MeterRegistry registry) {
            this.registry = registry;
        }

        void record(boolean head, int status, long nanos) {
            String method = head ? "HEAD" : "GET";
            boolean known = status >= 0 && status < 600;
            int slot = (head ? 600 : 0) + status;
            Counter c = known ? counters.get(slot) : null;
            Timer t = known ? timers.get(slot) : null;
            if (c == null || t == null) {   // registering twice in a race is harmless: the registry answers the same
                c = Counter.builder("des.retriever.requests").description("File requests by method and HTTP status")
                        .tag("method", method).tag("status", Integer.toString(status)).register(registry);
                t = ServiceServer.requestTimer(registry, method, ROUTE, status);
                if (known) {
                    counters.set(slot, c);
                    timers.set(slot, t);
                }
            }
            c.increment();
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
