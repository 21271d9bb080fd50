package io.stowage.examples;

import io.stowage.des.ingest.DesPacker;
import io.stowage.des.ingest.IngestDatabase;
import io.stowage.des.ingest.PackerOptions;
import io.stowage.des.ingest.PackerReport;
import io.stowage.des.ingest.SourceConfig;
import io.stowage.des.ingest.SourceConnector;
import io.stowage.des.s3.IndexCache;
import io.stowage.s3.EmbeddedS3;
import io.stowage.service.des.DesServer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * DES ingest on one machine: files already in S3 (EmbeddedS3, bucket {@code media}) are listed in a SQLite source
 * table the way a site's database lists them; the packer ({@link DesPacker}, its state in a second SQLite file) packs
 * every pending row into per-shard, per-day DES archives in the bucket {@code des-archives} and marks the rows
 * {@code packed} with their DES names; then {@code serve des} ({@link DesServer}, in process on a free port) answers
 * {@code GET /files/{name}} for one of them over real HTTP. Checks: every row packed, none failed, the fetched body
 * is byte-identical to the original object, an unknown name is 404.
 *
 * <p>The same with the command line: {@code stowage des packer --sources sources.yaml --state des.db --once} then
 * {@code stowage serve des --state des.db}.
 *
 * <p>{@code new DesIngestDemo().run(Files.createTempDirectory("des-ingest"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class DesIngestDemo implements DemoPipeline {
    /** Rows in the source table. */
    static final int FILES = 40;
    private static final String MEDIA = "media";
    private static final String ARCHIVE = "des-archives";

    @Override
    public String name() {
        return "des-ingest";
    }

    @Override
    public String description() {
        return "files listed in a SQLite source table packed into DES archives, one fetched back by name via serve des";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("store")).bucket(MEDIA).start();
             S3Client s3 = store.newClient()) {
            store.createBucket(ARCHIVE);
            out.printf(Locale.ROOT, "  EmbeddedS3 %s started (%.2f s)%n", store.endpoint(), (System.nanoTime() - t0) / 1e9);
            // 1. the site's files in S3 and the source table listing them (status 'pending')
            Map<String, byte[]> files = new LinkedHashMap<>();
            Random r = new Random(23);
            for (int i = 0; i < FILES; i++) {
                byte[] body = new byte[500 + r.nextInt(20_000)];
                r.nextBytes(body);
                String key = "cam-" + (i % 4) + "/2025-01-15/snap_" + i + ".jpg";
                s3.putObject(PutObjectRequest.builder().bucket(MEDIA).key(key).build(), RequestBody.fromBytes(body));
                files.put(key, body);
            }
            Path sourceDb = workDir.resolve("source.db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sourceDb);
                 Statement s = c.createStatement()) {
                // the DES source shape; claimed_by..error_message are optional columns the packer fills when present
                s.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, s3_bucket TEXT, s3_key TEXT, size_bytes INTEGER,"
                        + " status TEXT, created_at TEXT, claimed_by TEXT, claimed_at TEXT, packed_at TEXT,"
                        + " des_name TEXT, des_container_id INTEGER, error_message TEXT)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO files (s3_bucket, s3_key, size_bytes,"
                        + " status, created_at) VALUES (?, ?, ?, 'pending', '2025-01-15T10:00:00Z')")) {
                    for (Map.Entry<String, byte[]> e : files.entrySet()) {
                        ps.setString(1, MEDIA);
                        ps.setString(2, e.getKey());
                        ps.setLong(3, e.getValue().length);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            // 2. the sources YAML (DES-INGEST.md section 2; `type: sqlite` is Stowage's one-machine source)
            Path yaml = Files.writeString(workDir.resolve("sources.yaml"), """
                    sources:
                      - name: site
                        shard_bits: 2
                        connection: {type: sqlite, database: "%s"}
                        table:
                          name: files
                          columns: {id: id, s3_bucket: s3_bucket, s3_key: s3_key, size_bytes: size_bytes,
                                    created_at: created_at}
                    """.formatted(sourceDb.toString().replace("\\", "/")));
            out.printf(Locale.ROOT, "  source: %d rows in %s, objects in s3://%s (%.2f s)%n", FILES, sourceDb, MEDIA,
                    (System.nanoTime() - t0) / 1e9);

            // 3. the packer: state (locks, container catalogue, name index) in a SQLite file; exits once idle
            Path stateDb = workDir.resolve("des.db");
            try (IngestDatabase db = IngestDatabase.open("jdbc:sqlite:" + stateDb)) {
                db.migrate();
                out.printf(Locale.ROOT, "  state %s migrated (%.2f s)%n", stateDb, (System.nanoTime() - t0) / 1e9);
                PackerReport report;
                try (SourceConnector source = SourceConnector.open(SourceConfig.load(yaml).enabled().get(0));
                     DesPacker packer = DesPacker.create(db, List.of(source), s3, PackerOptions.defaults(ARCHIVE)
                             .withExitWhenIdle(true).withPollInterval(Duration.ofMillis(50))
                             .withIdleFinalize(Duration.ofMillis(200)))) {
                    report = packer.run();
                }
                out.printf(Locale.ROOT, "  packer: %d files (%d bytes) into %d container(s), %d failed, in %.2f s%n",
                        report.filesPacked(), report.bytesPacked(), report.containersUploaded(), report.rowsFailed(),
                        report.seconds());
                check(report.filesPacked() == FILES && report.rowsFailed() == 0, "packer report " + report);

                // 4. the source rows now say packed, with their DES names
                String name;
                String key;
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sourceDb);
                     Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM files WHERE status = 'packed'"
                            + " AND des_name IS NOT NULL")) {
                        rs.next();
                        check(rs.getInt(1) == FILES, rs.getInt(1) + " of " + FILES + " rows packed with a name");
                    }
                    try (ResultSet rs = s.executeQuery("SELECT des_name, s3_key FROM files ORDER BY id LIMIT 1 OFFSET 7")) {
                        rs.next();
                        name = rs.getString(1);
                        key = rs.getString(2);
                    }
                }
                out.println("  source rows: all " + FILES + " packed; " + key + " is " + name);

                // 5. serve des in process on a free port; fetch the file by its DES name over HTTP
                try (IndexCache cache = IndexCache.caffeine(16L << 20);
                     DesServer server = DesServer.builder(db, s3, ARCHIVE).port(0).nodeId(7).indexCache(cache)
                             .start()) {
                    HttpClient http = HttpClient.newHttpClient();
                    HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/files/"
                            + name)).build(), HttpResponse.BodyHandlers.ofByteArray());
                    check(got.statusCode() == 200, "GET /files/" + name + " answered " + got.statusCode());
                    check(Arrays.equals(got.body(), files.get(key)), "the fetched body equals s3://" + MEDIA + "/"
                            + key);
                    String container = got.headers().firstValue("X-DES-Container").orElse("?");
                    out.printf(Locale.ROOT, "  serve des %s: GET /files/%s -> 200, %d bytes from %s,"
                            + " byte-identical to the original (%.2f s)%n", server.url(), name, got.body().length,
                            container, (System.nanoTime() - t0) / 1e9);
                    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.url()
                            + "/files/DES_20250115_(000000000000_00)")).build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    check(missing.statusCode() == 404, "an unknown name answered " + missing.statusCode());
                }
            }
            out.println("  outputs: archives in " + store.directory().resolve(ARCHIVE) + ", state " + stateDb);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("des-ingest demo check failed: " + what);
        }
    }
}
