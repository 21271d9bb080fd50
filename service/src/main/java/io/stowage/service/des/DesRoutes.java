package io.stowage.service.des;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.des.ingest.DesFileService;
import io.stowage.des.ingest.DesIngestRangeNotSatisfiableException;
import io.stowage.des.ingest.DesNameService;
import io.stowage.service.ServiceNotFoundException;
import io.stowage.service.ServiceUnprocessableException;
import io.stowage.service.internal.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The DES endpoints: {@code POST /assign}, {@code GET|HEAD /files/{name}}, {@code GET /health}. Stateless. */
final class DesRoutes {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    /** Bodies up to this size are read whole before the first byte is sent; larger ones stream in such pieces. */
    private static final int SMALL = 64 * 1024;
    private final DesNameService names;
    private final DesFileService files;
    private final MeterRegistry registry;
    /**
     * {@code des_retriever_requests_total} of GET (0..599) and HEAD (600..1199) by status, registered on first use:
     * no meter id and registry lookup per request.
     */
    private final AtomicReferenceArray<Counter> requestCounters = new AtomicReferenceArray<>(1200);

    DesRoutes(DesNameService names, DesFileService files, MeterRegistry registry) {
        this.names = names;
        this.files = files;
        this.registry = registry;
    }

    void main(RoutesConfig r) {
        r.post("/assign", this::assign);
        r.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        files(r);
    }

    void files(RoutesConfig r) {
        r.get("/files/{name}", ctx -> counted(ctx, "GET", () -> get(ctx)));
        r.head("/files/{name}", ctx -> counted(ctx, "HEAD", () -> head(ctx)));
    }

    private interface Io {
        void run() throws IOException;
    }

    /** {@code des_retriever_requests_total{method,status}}, also for failures (their status is set by then). */
    private void counted(Context ctx, String method, Io handler) throws IOException {
        int status = 500;
        try {
            handler.run();
            status = ctx.status().getCode();
        } catch (ServiceNotFoundException e) {
            status = 404;
            throw e;
        } catch (io.stowage.des.ingest.DesIngestFileUnavailableException e) {
            status = 503;
            throw e;
        } finally {
            requestCounter(method, status).increment();
        }
    }

    private Counter requestCounter(String method, int status) {
        boolean known = status >= 0 && status < 600;
        int slot = (method.equals("GET") ? 0 : 600) + status;
        Counter c = known ? requestCounters.get(slot) : null;
        if (c == null) {   // registering twice in a race is harmless: the registry returns the same counter
            c = Counter.builder("des.retriever.requests").description("File requests by method and HTTP status")
                    .tag("method", method).tag("status", Integer.toString(status)).register(registry);
            if (known) {
                requestCounters.set(slot, c);
            }
        }
        return c;
    }

    private void assign(Context ctx) throws IOException {
        JsonNode body;
        try {
            String text = ctx.body();
            body = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ServiceUnprocessableException("body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject()) {
            throw new ServiceUnprocessableException("body must be a JSON object {\"prefix\": \"DES\", \"meta_hint\": "
                    + "{...}|null}");
        }
        JsonNode p = body.get("prefix");
        String prefix;
        if (p == null || p.isNull()) {
            prefix = "DES";
        } else if (p.isTextual()) {
            prefix = p.asText();
        } else {
            throw new ServiceUnprocessableException("prefix must be a string, not " + p.getNodeType());
        }
        JsonNode hint = body.get("meta_hint");
        Map<String, Object> metaHint = null;
        if (hint != null && !hint.isNull()) {
            if (!hint.isObject()) {
                throw new ServiceUnprocessableException("meta_hint must be an object or null, not "
                        + hint.getNodeType());
            }
            metaHint = Json.MAPPER.convertValue(hint, Map.class);
        }
        DesNameService.Assignment a = names.assign(prefix, metaHint);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", a.name());
        out.put("shard_id", a.shardId());
        out.put("day", a.day().toString());
        Json.write(ctx, out);
    }

    private void head(Context ctx) {
        String name = ctx.pathParam("name");
        Optional<DesFileService.FileInfo> info = files.head(name);
        if (info.isEmpty()) {
            ctx.header("X-DES-Exists", "false");
            throw new ServiceNotFoundException("File not found");
        }
        DesFileService.FileInfo i = info.get();
        ctx.header("X-DES-Exists", "true");
        headers(ctx, i);
        ctx.header("Content-Length", Long.toString(i.size()));
        ctx.status(200);
    }

    private static void headers(Context ctx, DesFileService.FileInfo i) {
        ctx.header("X-DES-Container", i.container());
        ctx.header("X-DES-Shard-Id", Integer.toString(i.shardId()));
        ctx.header("X-DES-Size-Bytes", Long.toString(i.size()));
        ctx.header("X-DES-Is-External", Boolean.toString(i.external()));
        ctx.header("ETag", i.etag());
        ctx.header("Accept-Ranges", "bytes");
        ctx.contentType("application/octet-stream");
    }

    private void get(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        long start = 0;
        long length = -1;
        String range = ctx.header("Range");
        boolean ranged = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range.strip());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                ranged = true;
                if (m.group(1).isEmpty()) {           // bytes=-N: the last N bytes
                    Optional<DesFileService.FileInfo> i = files.head(name);
                    if (i.isEmpty()) {
                        throw new ServiceNotFoundException("File not found");
                    }
                    long n = Long.parseLong(m.group(2));
                    long size = i.get().size();
                    if (n == 0) {
                        unsatisfiable(ctx, size);
                        return;
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
            unsatisfiable(ctx, e.size());
            return;
        }
        if (opened.isEmpty()) {
            throw new ServiceNotFoundException("File not found");
        }
        try (DesFileService.FileStream f = opened.get(); InputStream in = f.body()) {
            if (ranged && f.info().size() == 0) {
                unsatisfiable(ctx, 0);                  // no byte range of an empty file exists
                return;
            }
            headers(ctx, f.info());
            ctx.header("Content-Length", Long.toString(f.length()));
            if (ranged) {                              // 206 even for the whole file: players expect it
                ctx.status(206);
                ctx.header("Content-Range", "bytes " + f.start() + "-" + (f.start() + f.length() - 1) + "/"
                        + f.info().size());
            } else {
                ctx.status(200);
            }
            OutputStream out = ctx.res().getOutputStream();
            long n = f.length();
            if (n <= SMALL) {   // read and verified whole, then written at once (headers and body in one send)
                byte[] b = new byte[(int) n];
                int got = in.readNBytes(b, 0, b.length);
                if (got != b.length || in.read() != -1) {   // the read at the end runs the stream's final check
                    throw new IOException(f.info().desName() + ": the store sent " + got + " of " + n + " bytes");
                }
                out.write(b);
            } else {
                byte[] b = new byte[SMALL];
                for (int r; (r = in.read(b)) != -1; ) {
                    out.write(b, 0, r);
                }
            }
            out.flush();
        }
    }

    private static void unsatisfiable(Context ctx, long size) {
        ctx.status(416);
        ctx.header("Content-Range", "bytes */" + size);
        ctx.json(Map.of("detail", "Range Not Satisfiable: the file has " + size + " bytes"));
    }
}
