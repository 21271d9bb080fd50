package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.stowage.s3.EmbeddedS3;
import io.stowage.sync.SyncLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** stowage upload --state/--project and stowage sync status|retry|trigger, in-process against EmbeddedS3. */
class SyncCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedS3 server;
    static S3Client s3;
    static String endpoint;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().bucket("ledgered").start();
        s3 = server.newClient();
        endpoint = server.endpoint().toString();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private Path tree(int n) throws Exception {
        Path dir = tmp.resolve("src");
        for (int i = 0; i < n; i++) {
            Path f = dir.resolve("d" + (i % 3)).resolve("f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "content " + i);
        }
        return dir;
    }

    private static JsonNode json(CliRun r) throws Exception {
        return JSON.readTree(r.out());
    }

    @Test
    void projectWithoutStateIsAUsageError() throws Exception {
        Path dir = tree(2);
        CliRun r = CliRun.of("upload", dir.toString(), "s3://ledgered/x", "--endpoint", endpoint, "--project", "p",
                "--json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(json(r).at("/error/type").asText()).isEqualTo("SyncConfigException");
        assertThat(r.err()).contains("--project p needs --state URL");
    }

    @Test
    void ledgeredUploadRecordsSkipsOnRerunAndShowsStatus() throws Exception {
        Path dir = tree(9);
        String state = tmp.resolve("ledger.db").toString();
        CliRun first = CliRun.of("upload", dir.toString(), "s3://ledgered/a", "--endpoint", endpoint, "--state",
                state, "--project", "alpha", "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode j = json(first);
        assertThat(j.get("uploaded").asLong()).isEqualTo(9);
        assertThat(j.get("new_files").asLong()).isEqualTo(9);
        assertThat(j.get("session_id").asLong()).isPositive();

        CliRun second = CliRun.of("upload", dir.toString(), "s3://ledgered/a", "--endpoint", endpoint, "--state",
                state, "--project", "alpha", "--json");
        assertThat(second.exitCode()).isZero();
        assertThat(json(second).get("unchanged").asLong()).isEqualTo(9);
        assertThat(json(second).get("uploaded").asLong()).isZero();
        assertThat(json(second).get("list_requests").asLong()).isZero();

        CliRun status = CliRun.of("sync", "status", "--project", "alpha", "--state", state, "--json");
        assertThat(status.exitCode()).isZero();
        JsonNode s = json(status);
        assertThat(s.get("uploaded").asLong()).isEqualTo(9);
        assertThat(s.get("pending").asLong()).isZero();
        assertThat(s.get("failed").asLong()).isZero();
        assertThat(s.get("failures")).isEmpty();
        assertThat(s.get("sessions")).hasSize(2);
        assertThat(s.at("/sessions/0/status").asText()).isEqualTo("completed");

        CliRun human = CliRun.of("sync", "status", "--project", "alpha", "--state", state);
        assertThat(human.out()).contains("uploaded 9, pending 0, uploading 0, failed 0");
    }

    @Test
    void statusOfAnUnknownProjectIsAnError() throws Exception {
        String state = tmp.resolve("empty.db").toString();
        SyncLedger.open(state).close();   // an existing ledger without that project
        CliRun r = CliRun.of("sync", "status", "--project", "ghost", "--state", state, "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(json(r).at("/error/type").asText()).isEqualTo("SyncProjectNotFoundException");
        assertThat(json(r).at("/error/message").asText()).contains("no project 'ghost'");
    }

    @Test
    void retryUploadsFailedFilesAndStatusListsThemBefore() throws Exception {
        Path dir = tree(4);
        String state = tmp.resolve("retry.db").toString();
        assertThat(CliRun.of("upload", dir.toString(), "s3://ledgered/r", "--endpoint", endpoint, "--state", state,
                "--project", "rho").exitCode()).isZero();
        // a file that failed: not in the store, failed in the ledger with a reason
        s3.deleteObject(b -> b.bucket("ledgered").key("r/d1/f1.txt"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state); Statement st = c.createStatement()) {
            st.execute("UPDATE file_uploads SET status = 'failed', last_error = 'HTTP 503 SlowDown (5 attempts)' "
                    + "WHERE path = 'd1/f1.txt'");
        }
        CliRun status = CliRun.of("sync", "status", "--project", "rho", "--state", state, "--json");
        JsonNode s = json(status);
        assertThat(s.get("failed").asLong()).isEqualTo(1);
        assertThat(s.at("/failures/0/path").asText()).isEqualTo("d1/f1.txt");
        assertThat(s.at("/failures/0/reason").asText()).isEqualTo("HTTP 503 SlowDown (5 attempts)");

        CliRun retry = CliRun.of("sync", "retry", "--project", "rho", "--state", state, "--backoff", "0", "--json");
        assertThat(retry.exitCode()).as(retry.err()).isZero();
        assertThat(json(retry).get("uploaded").asLong()).isEqualTo(1);
        assertThat(json(retry).get("kind").asText()).isEqualTo("retry");
        assertThat(s3.headObject(b -> b.bucket("ledgered").key("r/d1/f1.txt")).contentLength()).isPositive();
        assertThat(json(CliRun.of("sync", "status", "--project", "rho", "--state", state, "--json"))
                .get("failed").asLong()).isZero();
    }

    @Test
    void triggerPostsTheSessionSummary() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/done", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
        try {
            Path dir = tree(3);
            String state = tmp.resolve("t.db").toString();
            String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/done";
            CliRun up = CliRun.of("upload", dir.toString(), "s3://ledgered/t", "--endpoint", endpoint, "--state",
                    state, "--project", "tau", "--trigger-url", url, "--json");
            assertThat(up.exitCode()).as(up.err()).isZero();
            assertThat(json(up).at("/trigger/status").asText()).isEqualTo("delivered");
            assertThat(bodies).hasSize(1);
            long session = json(up).get("session_id").asLong();
            assertThat(JSON.readTree(bodies.get(0)).get("files_uploaded").asLong()).isEqualTo(3);

            CliRun again = CliRun.of("sync", "trigger", "--session", Long.toString(session), "--url", url,
                    "--state", state, "--json");
            assertThat(again.exitCode()).isZero();
            assertThat(json(again).get("status").asText()).isEqualTo("delivered");
            assertThat(bodies).hasSize(2);
            assertThat(JSON.readTree(bodies.get(1)).get("session_id").asLong()).isEqualTo(session);
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aBadConfigFileIsAUsageErrorNamingTheKey() throws Exception {
        Path dir = tree(1);
        Path cfg = tmp.resolve("sync.json");
        Files.writeString(cfg, "{\"project\": \"c\", \"workers\": \"lots\"}");
        CliRun r = CliRun.of("upload", dir.toString(), "s3://ledgered/c", "--endpoint", endpoint, "--state",
                tmp.resolve("c.db").toString(), "--sync-config", cfg.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'workers' must be an integer, got \"lots\"");
    }

    @Test
    void aLedgerFromANewerStowageIsRefusedBeforeAnyUpload() throws Exception {
        Path dir = tree(2);
        String state = tmp.resolve("new.db").toString();
        SyncLedger.open(state).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + state); Statement st = c.createStatement()) {
            st.execute("INSERT INTO stowage_schema (version, applied_at, description) VALUES (9, 0, 'V9')");
        }
        CliRun r = CliRun.of("upload", dir.toString(), "s3://ledgered/n", "--endpoint", endpoint, "--state", state,
                "--project", "n", "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(json(r).at("/error/type").asText()).isEqualTo("SyncLedgerSchemaException");
        assertThat(s3.listObjectsV2(b -> b.bucket("ledgered").prefix("n/")).contents()).isEmpty();
    }

    /** Issue 17: {@code sync status --state missing.db} created and migrated a new ledger. */
    @Test
    void syncCommandsOnAMissingLedgerFailNamingItAndCreateNothing() throws Exception {
        Path missing = tmp.resolve("missing.db");
        List<String[]> commands = List.of(
                new String[] {"sync", "status", "--project", "p", "--state", missing.toString(), "--json"},
                new String[] {"sync", "retry", "--project", "p", "--state", missing.toString(), "--json"},
                new String[] {"sync", "trigger", "--session", "1", "--url", "http://127.0.0.1:9/x", "--state",
                        missing.toString(), "--json"});
        for (String[] args : commands) {
            CliRun r = CliRun.of(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(json(r).at("/error/type").asText()).isEqualTo("SyncLedgerNotFoundException");
            assertThat(json(r).at("/error/message").asText()).contains("no ledger at " + missing)
                    .contains("nothing was created");
            assertThat(missing).as("after %s", args[1]).doesNotExist();
        }
        assertThat(tmp.resolve("missing.db.lock")).doesNotExist();
    }

    /**
     * Issue 17 and 24: two local files with one key (NFC and NFD names) in a ledgered upload: both fail naming the
     * other, exit 3, the ledger has the key as failed with the reason, and a re-run does not flip it.
     */
    @Test
    void ledgeredUploadOfTwoFilesWithOneKeyExitsThreeNamingBoth() throws Exception {
        Path dir = tree(2);
        String nfc = java.text.Normalizer.normalize("caf\u00e9.txt", java.text.Normalizer.Form.NFC);
        String nfd = java.text.Normalizer.normalize(nfc, java.text.Normalizer.Form.NFD);
        Files.writeString(dir.resolve(nfc), "NFC content");
        Files.writeString(dir.resolve(nfd), "NFD content, longer");
        try (var names = Files.list(dir)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(names.count() == 4,
                    "this file system keeps NFC and NFD names apart (not so on macOS APFS/HFS+)");
        }
        String state = tmp.resolve("collide.db").toString();
        for (int run = 1; run <= 2; run++) {
            CliRun r = CliRun.of("upload", dir.toString(), "s3://ledgered/k", "--endpoint", endpoint, "--state",
                    state, "--project", "kappa", "--json");
            assertThat(r.exitCode()).as("run %d: %s", run, r.err()).isEqualTo(3);
            JsonNode rep = json(r);
            assertThat(rep.get("failed").asLong()).isEqualTo(2);
            assertThat(rep.get("uploaded").asLong()).isEqualTo(run == 1 ? 2 : 0);
            assertThat(rep.get("failures")).hasSize(2).allSatisfy(f -> assertThat(f.get("reason").asText())
                    .contains("both map to the key k/" + nfc).contains("rename one of them"));
            assertThat(s3.listObjectsV2(b -> b.bucket("ledgered").prefix("k/")).contents())
                    .noneMatch(o -> o.key().equals("k/" + nfc)).hasSize(2);
        }
        CliRun human = CliRun.of("upload", dir.toString(), "s3://ledgered/k", "--endpoint", endpoint, "--state",
                state, "--project", "kappa");
        assertThat(human.exitCode()).isEqualTo(3);
        assertThat(human.out()).contains("failed 2 of 4");
        JsonNode status = json(CliRun.of("sync", "status", "--project", "kappa", "--state", state, "--json"));
        assertThat(status.get("failed").asLong()).isEqualTo(1);
        assertThat(status.at("/failures/0/reason").asText()).startsWith("key collision: ");
    }

    /** Issue 17 (same class as the terminal-escape defect): failure lines of upload and sync status are escaped. */
    @Test
    void failureLinesEscapeControlCharactersOfNamesAndReasons() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("evil"));
        String nfc = java.text.Normalizer.normalize("\u001b]0;pwned\u0007caf\u00e9.txt",
                java.text.Normalizer.Form.NFC);
        String nfd = java.text.Normalizer.normalize(nfc, java.text.Normalizer.Form.NFD);
        Files.writeString(dir.resolve(nfc), "one");
        Files.writeString(dir.resolve(nfd), "two");
        try (var names = Files.list(dir)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(names.count() == 2,
                    "this file system keeps NFC and NFD names apart (not so on macOS APFS/HFS+)");
        }
        String state = tmp.resolve("evil.db").toString();
        CliRun up = CliRun.of("upload", dir.toString(), "s3://ledgered/e", "--endpoint", endpoint, "--state", state,
                "--project", "evil");
        assertThat(up.exitCode()).isEqualTo(3);
        assertThat(up.out()).contains("failed: \\x1b]0;pwned\\x07caf").doesNotContain("\u001b")
                .doesNotContain("\u0007");
        CliRun status = CliRun.of("sync", "status", "--project", "evil", "--state", state);
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("failed: \\x1b]0;pwned\\x07caf").doesNotContain("\u001b");
    }
}
