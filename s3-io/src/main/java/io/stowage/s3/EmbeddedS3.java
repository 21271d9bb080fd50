package io.stowage.s3;

import io.stowage.s3.internal.ClientFactory;
import io.stowage.s3.internal.S3ProxyServer;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An S3 endpoint in this process: S3Proxy over a local folder, where each subfolder is a bucket. The embedded default
 * of every Stowage pipeline (demo, tests, one machine); production points {@link S3Settings} at AWS or MinIO instead.
 *
 * <pre>{@code
 * try (EmbeddedS3 s3 = EmbeddedS3.builder().directory(Path.of("store")).bucket("media").start();
 *      S3Client client = s3.newClient()) {
 *     client.putObject(b -> b.bucket("media").key("a.txt"), RequestBody.fromString("hi"));
 * }
 * }</pre>
 *
 * <p>Without {@link Builder#credentials} any credentials are accepted (requests are not authenticated); with them,
 * requests must be signed (AWS SigV4) with that pair. It listens on 127.0.0.1 and a free port unless told otherwise.
 * S3Proxy ({@code org.gaul:s3proxy}) is an optional dependency: add it to use this class. S3Proxy logs under
 * {@code org.gaul}; set that logger to WARN in your logging backend.
 *
 * <p>Thread-safe: any number of clients may use it concurrently; {@link #close()} stops it (idempotent).
 */
public final class EmbeddedS3 implements AutoCloseable {
    private final S3ProxyServer server;
    private final Path directory;
    private final boolean deleteOnClose;
    private final String accessKey;
    private final String secretKey;
    private final URI endpoint;
    private volatile boolean closed;

    private EmbeddedS3(S3ProxyServer server, Path directory, boolean deleteOnClose, String accessKey,
                       String secretKey, URI endpoint) {
        this.server = server;
        this.directory = directory;
        this.deleteOnClose = deleteOnClose;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.endpoint = endpoint;
    }

    /** A builder: a temporary folder (deleted on close), 127.0.0.1, a free port, any credentials accepted. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts on a free port over {@code directory} with default settings. */
    public static EmbeddedS3 start(Path directory) {
        return builder().directory(directory).start();
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The TCP port it listens on. */
    public int port() {
        return endpoint.getPort();
    }

    /** The folder holding the buckets. */
    public Path directory() {
        return directory;
    }

    /** Settings that reach this server (its endpoint, and its credentials or the local fixed pair). */
    public S3Settings settings() {
        return S3Settings.forEndpoint(endpoint).withCredentials(
                accessKey != null ? accessKey : ClientFactory.LOCAL_ACCESS_KEY,
                secretKey != null ? secretKey : ClientFactory.LOCAL_SECRET_KEY);
    }

    /** A new client for this server; the caller closes it. */
    public S3Client newClient() {
        return settings().newClient();
    }

    /** Creates a bucket (a subfolder) if it does not exist yet. */
    public void createBucket(String name) {
        S3Location.of(name, "");   // validates the name
        server.createBucket(name);
    }

    /** The buckets: the subfolders of {@link #directory()}. */
    public List<String> buckets() {
        List<String> names = new ArrayList<>();
        try (var s = Files.list(directory)) {
            s.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(null);
        return names;
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /** Stops the server (and deletes a temporary folder it created). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop();
        if (deleteOnClose) {
            deleteTree(directory);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + endpoint + " over " + directory + "]";
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a temporary folder left behind is not a failure of the server
        }
    }

    /**
     * Configures an {@link EmbeddedS3}. Not thread-safe; {@link #start()} may be called more than once for separate
     * servers only when each has its own folder.
     */
    public static final class Builder {
        private Path directory;
        private String host = "127.0.0.1";
        private int port;
        private String accessKey;
        private String secretKey;
        private final List<String> buckets = new ArrayList<>();

        private Builder() {}

        /** The folder holding the buckets (created if missing). Default: a temporary folder deleted on close. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The address to listen on, default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port, 0 (default) for a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside 0..65535");
            }
            this.port = port;
            return this;
        }

        /** Require requests signed with this pair (default: accept any credentials). */
        public Builder credentials(String accessKey, String secretKey) {
            if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
                throw new IllegalArgumentException("access key and secret key must both be non-empty");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** A bucket to create at start (if missing). */
        public Builder bucket(String name) {
            S3Location.of(name, "");
            buckets.add(name);
            return this;
        }

        /**
         * Starts the server and waits until it accepts requests.
         *
         * @throws S3EmbeddedServerException if S3Proxy is not on the class path, the folder is unusable or the port
         *                                    taken
         */
        public EmbeddedS3 start() {
            Path dir = directory == null ? null : directory.toAbsolutePath().normalize();   // S3Proxy fails on "/./"
            boolean temporary = dir == null;
            try {
                if (temporary) {
                    dir = Files.createTempDirectory("stowage-s3-");
                } else {
                    Files.createDirectories(dir);
                }
            } catch (IOException e) {
                throw new S3EmbeddedServerException(S3EmbeddedServerException.Stage.FOLDER, dir, null, null,
                        "cannot create the EmbeddedS3 folder " + dir + ": " + e
                        + "; give a writable folder", e);
            }
            if (!Files.isDirectory(dir)) {
                throw new S3EmbeddedServerException(S3EmbeddedServerException.Stage.FOLDER, dir, null, null,
                        "EmbeddedS3 folder " + dir + " is not a folder; give a folder", null);
            }
            S3ProxyServer server = S3ProxyServer.start(dir.toAbsolutePath(), host, port, accessKey, secretKey);
            String h = host.contains(":") ? "[" + host + "]" : host;
            if (h.equals("0.0.0.0")) {
                h = "127.0.0.1";
            }
            EmbeddedS3 s3 = new EmbeddedS3(server, dir.toAbsolutePath(), temporary, accessKey, secretKey,
                    URI.create("http://" + h + ":" + server.port()));
            try {
                for (String b : buckets) {
                    s3.createBucket(b);
                }
            } catch (RuntimeException e) {
                s3.close();
                throw e;
            }
            return s3;
        }
    }
}
