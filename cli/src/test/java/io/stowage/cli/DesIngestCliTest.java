package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.s3.EmbeddedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code des packer --once}, {@code des containers}, {@code des recover} on one machine: SQLite source and state. */
class DesIngestCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedS3 s3;
    static S3Client client;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.builder().directory(tmp.resolve("s3")).bucket("media").bucket("des-archives").start();
        client = s3.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    @Test
    void packerOnceThenContainersAndRecover() throws Exception {
        Path src = tmp.resolve("source.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, s3_bucket TEXT, s3_key TEXT, size_bytes INTEGER, "
                    + "status TEXT, created_at TEXT, claimed_by TEXT, claimed_at TEXT, packed_at TEXT, des_name TEXT, "
                    + "des_container_id INTEGER, error_message TEXT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO files (s3_bucket, s3_key, size_bytes, status, "
                    + "created_at) VALUES ('media', ?, 5, 'pending', '2025-01-15T10:00:00Z')")) {
                for (int i = 0; i < 30; i++) {
                    String key = "cam/" + i + ".jpg";
                    if (i != 7) {
                        client.putObject(PutObjectRequest.builder().bucket("media").key(key).build(),
                                RequestBody.fromString("img" + (i < 10 ? "0" : "") + i));
                    }
                    ps.setString(1, key);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        Path yaml = tmp.resolve("sources.yaml");
        Files.writeString(yaml, """
                sources:
                  - name: local
                    shard_bits: 2
                    connection: {type: sqlite, database: "${SRC_DB}"}
                    table:
                      name: files
                      columns: {id: id, s3_bucket: s3_bucket, s3_key: s3_key, size_bytes: size_bytes,
                                created_at: created_at}
                """.replace("${SRC_DB}", src.toString()));
        String state = tmp.resolve("state.db").toString();
        CliRun r = CliRun.of("des", "packer", "--sources", yaml.toString(), "--state", state, "--endpoint",
                s3.endpoint().toString(), "--once", "--idle-finalize", "1s", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);       // one row failed: its object is missing
        JsonNode rep = JSON.readTree(r.out());
        assertThat(rep.get("files_packed").asLong()).isEqualTo(29);
        assertThat(rep.get("rows_failed").asLong()).isEqualTo(1);
        assertThat(rep.get("interrupted").asBoolean()).isFalse();

        CliRun c = CliRun.of("des", "containers", "--state", state, "--json");
        assertThat(c.exitCode()).as(c.err()).isZero();
        long files = 0;
        for (JsonNode n : JSON.readTree(c.out()).get("containers")) {
            assertThat(n.get("status").asText()).isEqualTo("uploaded");
            assertThat(n.get("state").asText()).isEqualTo("done");
            assertThat(n.get("s3_key").asText()).matches("\\d{4}-\\d{2}-\\d{2}/shard_0[0-3]\\.des");
            files += n.get("file_count").asLong();
            CliRun ls = CliRun.of("des", "ls", "s3://des-archives/" + n.get("s3_key").asText(), "--endpoint",
                    s3.endpoint().toString(), "--json");
            assertThat(ls.exitCode()).as(ls.err()).isZero();
        }
        assertThat(files).isEqualTo(29);

        CliRun rec = CliRun.of("des", "recover", "--sources", yaml.toString(), "--state", state, "--endpoint",
                s3.endpoint().toString(), "--dry-run", "--json");
        assertThat(rec.exitCode()).as(rec.err()).isZero();
        assertThat(JSON.readTree(rec.out()).get("dry_run").asBoolean()).isTrue();
        assertThat(JSON.readTree(rec.out()).get("orphans_deleted").asInt()).isZero();   // nothing crashed here

        CliRun bad = CliRun.of("des", "packer", "--sources", tmp.resolve("nope.yaml").toString(), "--state", state,
                "--json");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(JSON.readTree(bad.out()).get("error").get("type").asText()).isEqualTo("DesIngestConfigException");
    }
}
