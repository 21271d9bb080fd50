package io.stowage.des.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP proxy in front of EmbeddedS3 that records every request the store receives (method, path, Range,
 * If-Match, answer status): how the tests count requests. JDK HttpServer in, JDK HttpClient out; EmbeddedS3 runs
 * without authentication, so the changed Host header does not matter.
 */
final class CountingProxy implements AutoCloseable {
    /** One request as the store saw it. */
    record Request(String method, String path, String query, String range, String ifMatch, int status) {
        boolean isGet() {
            return method.equals("GET");
        }
    }

    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final HttpClient client;
    private final ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "counting-proxy");
        t.setDaemon(true);
        return t;
    });
    private final URI target;
    private final List<Request> log = new CopyOnWriteArrayList<>();

    CountingProxy(URI target) throws IOException {
        this.target = target;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(log);
    }

    void reset() {
        log.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            URI uri = ex.getRequestURI();
            URI to = URI.create(target.toString() + uri.getRawPath() + (uri.getRawQuery() == null ? ""
                    : "?" + uri.getRawQuery()));
            HttpRequest.Builder b = HttpRequest.newBuilder(to).method(ex.getRequestMethod(),
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
            log.add(new Request(ex.getRequestMethod(), uri.getPath(), uri.getQuery(),
                    ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("If-Match"),
                    resp.statusCode()));
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
            boolean noBody = ex.getRequestMethod().equals("HEAD") || rb.length == 0;
            if (ex.getRequestMethod().equals("HEAD")) {
                resp.headers().firstValue("content-length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            }
            ex.sendResponseHeaders(resp.statusCode(), noBody ? -1 : rb.length);
            if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(rb);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
