package io.stowage.service.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** HTTP test plumbing: multipart bodies, bearer-token requests, downloads (the rest: transcode-jobs' JobsFixture). */
final class Fixture {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Fixture() {
    }

    /** A multipart/form-data body: fields first, then the file part streamed from {@code content}. */
    record Multipart(String boundary, List<String[]> fields, String fileName, String fileType) {
        static Multipart of(String fileName, String... fieldPairs) {
            List<String[]> f = new ArrayList<>();
            for (int i = 0; i < fieldPairs.length; i += 2) {
                f.add(new String[] {fieldPairs[i], fieldPairs[i + 1]});
            }
            return new Multipart("----stowage" + UUID.randomUUID().toString().replace("-", ""), f, fileName,
                    "application/octet-stream");
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] head() {
            StringBuilder sb = new StringBuilder();
            for (String[] f : fields) {
                sb.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(f[0])
                        .append("\"\r\n\r\n").append(f[1]).append("\r\n");
            }
            sb.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                    .append(fileName).append("\"\r\nContent-Type: ").append(fileType).append("\r\n\r\n");
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        byte[] tail() {
            return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        }

        byte[] body(byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head());
            out.writeBytes(content);
            out.writeBytes(tail());
            return out.toByteArray();
        }

        InputStream stream(InputStream content) {
            return new SequenceInputStream(new java.io.ByteArrayInputStream(head()),
                    new SequenceInputStream(content, new java.io.ByteArrayInputStream(tail())));
        }
    }

    static HttpResponse<String> upload(String base, String token, Multipart m, byte[] content) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/upload")).header("Content-Type",
                m.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(m.body(content)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method,
                HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** GET /download/{job} with a bearer token, following the 302 to the presigned URL, into {@code to}. */
    static Path download(String base, String token, String job, Path to) throws Exception {
        HttpResponse<String> r = send("GET", base + "/download/" + job, token);
        if (r.statusCode() != 302) {
            throw new AssertionError("GET /download/" + job + " answered " + r.statusCode() + " " + r.body());
        }
        URI link = URI.create(r.headers().firstValue("location").orElseThrow());
        HttpResponse<Path> f = HTTP.send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofFile(to));
        if (f.statusCode() != 200) {
            throw new AssertionError("GET presigned " + link + " answered " + f.statusCode());
        }
        return to;
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
