package io.stowage.des.ingest;

import dev.failsafe.Failsafe;
import io.stowage.s3.RetrySettings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Source tables on the real PostgreSQL and MariaDB, objects in EmbeddedS3, and the sources YAML. */
final class IngestFixtures {
    static final String MARIADB_ENV = "STOWAGE_TEST_MARIADB_URL";

    private IngestFixtures() {}

    static String mariaUrl() {
        String v = System.getenv(MARIADB_ENV);
        return v == null || v.isBlank() ? "jdbc:mariadb://127.0.0.1:3306/test?user=root" : v;
    }

    static Connection maria() {
        try {
            return DriverManager.getConnection(mariaUrl());
        } catch (SQLException e) {
            throw new AssertionError("MariaDB is not reachable at " + mariaUrl() + " (" + e.getMessage() + "). Set "
                    + MARIADB_ENV + " to a JDBC URL of a MariaDB/MySQL server, or start one (`service mariadb "
                    + "start`; database test, user root without password).", e);
        }
    }

    static String uniq(String hint) {
        return hint + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A source table in the DES shape with every optional column (PostgreSQL when {@code pg}, else MariaDB). */
    static void createTable(Connection c, String table, boolean pg, boolean optionalColumns) throws SQLException {
        String id = pg ? "id BIGSERIAL PRIMARY KEY" : "id BIGINT AUTO_INCREMENT PRIMARY KEY";
        String ts = pg ? "TIMESTAMPTZ" : "DATETIME(3)";
        String opt = optionalColumns ? ", claimed_by VARCHAR(128), claimed_at " + ts + ", packed_at " + ts
                + ", des_name VARCHAR(255), des_container_id INTEGER, error_message TEXT" : "";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (" + id + ", s3_bucket VARCHAR(255) NOT NULL, s3_key VARCHAR(1024) "
                    + "NOT NULL, size_bytes BIGINT NOT NULL, status VARCHAR(32) NOT NULL, created_at " + ts
                    + " NOT NULL, camera VARCHAR(64)" + opt + ")");
        }
    }

    /** Inserts {@code keys} as pending rows; returns their ids in order. */
    static List<Long> insertRows(Connection c, String table, String bucket, List<String> keys, Map<String, byte[]> body,
                                 String status) throws SQLException {
        List<Long> ids = new ArrayList<>();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (s3_bucket, s3_key, size_bytes, "
                + "status, created_at, camera) VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (String k : keys) {
                ps.setString(1, bucket);
                ps.setString(2, k);
                ps.setLong(3, body.containsKey(k) ? body.get(k).length : 100);
                ps.setString(4, status);
                ps.setObject(5, java.time.LocalDateTime.of(2025, 1, 15, 10, 0, 0));
                ps.setString(6, "cam-" + (Math.abs(k.hashCode()) % 8));
                ps.addBatch();
            }
            ps.executeBatch();
            try (var rs = ps.getGeneratedKeys()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        return ids;
    }

    /** {@code n} objects of 200..4,000 bytes under {@code prefix}, content derived from the key. */
    static Map<String, byte[]> objects(String prefix, int n) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = prefix + "/" + (i % 37) + "/file_" + i + ".bin";
            Random r = new Random(k.hashCode());
            byte[] b = new byte[200 + r.nextInt(3800)];
            r.nextBytes(b);
            out.put(k, b);
        }
        return out;
    }

    static void upload(S3Client s3, String bucket, Map<String, byte[]> objects) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : objects.entrySet()) {
                fs.add(pool.submit(() -> put(s3, bucket, e.getKey(), e.getValue())));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One fixture PUT, retried as s3-io retries transient failures ({@link RetrySettings#defaults()}: 5 attempts with
     * backoff): under a saturated CPU S3Proxy now and then drops a connection ("Broken pipe" on the SDK's 3 attempts in
     * a row failed an s3-io test in CI), and test data must arrive whole.
     */
    private static void put(S3Client s3, String bucket, String key, byte[] data) {
        Failsafe.with(RetrySettings.defaults().policy()).run(() -> s3.putObject(
                PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromBytes(data)));
    }

    /** One source in the YAML of section 2. */
    static String source(String name, String type, String host, int port, String db, String user, String password,
                         String schema, String table, int batch, int claimTimeout, int shardBits) {
        return "  - name: " + name + "\n"
                + "    batch_size: " + batch + "\n"
                + "    claim_timeout_seconds: " + claimTimeout + "\n"
                + "    shard_bits: " + shardBits + "\n"
                + "    connection:\n"
                + "      type: " + type + "\n"
                + "      host: " + host + "\n"
                + "      port: " + port + "\n"
                + "      database: " + db + "\n"
                + "      username: " + user + "\n"
                + "      password: \"" + password + "\"\n"
                + "    table:\n"
                + "      name: " + table + "\n"
                + (schema == null ? "" : "      schema: " + schema + "\n")
                + "      columns:\n"
                + "        id: id\n"
                + "        s3_bucket: s3_bucket\n"
                + "        s3_key: s3_key\n"
                + "        size_bytes: size_bytes\n"
                + "        status: status\n"
                + "        created_at: created_at\n"
                + "        metadata_columns:\n"
                + "          camera: camera\n";
    }

    static Path writeYaml(Path dir, String... sources) throws Exception {
        Path p = dir.resolve("sources.yaml");
        Files.writeString(p, "sources:\n" + String.join("", sources));
        return p;
    }
}
