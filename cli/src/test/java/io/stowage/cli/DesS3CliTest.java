package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.s3.EmbeddedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code des ls|verify} on s3:// archives in an EmbeddedS3 (in process, over HTTP). */
class DesS3CliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedS3 s3;
    static S3Client client;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.builder().bucket("media").start();
        client = s3.newClient();
        Path v = CliRun.vectors().resolve("des-v1");
        for (String a : new String[] {"small", "external", "many"}) {
            client.putObject(r -> r.bucket("media").key("2025-01-15/shard_07/" + a + ".des"),
                    RequestBody.fromFile(v.resolve(a + ".des")));
        }
        client.putObject(r -> r.bucket("media").key("2025-01-15/shard_07/_bigFiles/b_big"),
                RequestBody.fromFile(v.resolve("external_objects/2025-01-15/shard_07/_bigFiles/b_big")));
        client.putObject(r -> r.bucket("media").key("bad/short.des"), RequestBody.fromBytes(new byte[40]));
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    String url(String key) {
        return "s3://media/" + key;
    }

    @Test
    void lsListsAnS3ArchiveWithTheSameJsonAsALocalOne() throws Exception {
        CliRun remote = CliRun.of("des", "ls", url("2025-01-15/shard_07/external.des"), "--endpoint",
                s3.endpoint().toString(), "--json");
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        CliRun local = CliRun.of("des", "ls", CliRun.vectors().resolve("des-v1/external.des").toString(), "--json");
        assertThat(JSON.readTree(remote.out())).isEqualTo(JSON.readTree(local.out()));
    }

    @Test
    void verifyReadsEveryEntryIncludingTheExternalOne() throws Exception {
        CliRun r = CliRun.of("des", "verify", url("2025-01-15/shard_07/external.des"), "--endpoint",
                s3.endpoint().toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode rep = JSON.readTree(r.out());
        assertThat(rep.get("ok").asBoolean()).isTrue();
        assertThat(rep.get("bytes").asLong()).isEqualTo(300_150);
    }

    @Test
    void aCorruptObjectIsReportedByVerifyWithExit1() throws Exception {
        CliRun r = CliRun.of("des", "verify", url("bad/short.des"), "--endpoint", s3.endpoint().toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode p = JSON.readTree(r.out()).get("problems").get(0);
        assertThat(p.get("field").asText()).isEqualTo("header.magic");   // 40 zero bytes
    }

    @Test
    void aMissingArchiveIsExit1AndABadUrlExit2() {
        CliRun missing = CliRun.of("des", "ls", url("nope.des"), "--endpoint", s3.endpoint().toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("s3://media/nope.des").contains("no such archive");
        CliRun bad = CliRun.of("des", "ls", "s3://media/", "--endpoint", s3.endpoint().toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("s3://BUCKET/KEY");
        CliRun local = CliRun.of("des", "ls", CliRun.vectors().resolve("des-v1/small.des").toString(),
                "--endpoint", s3.endpoint().toString());
        assertThat(local.exitCode()).isEqualTo(2);
    }

    @Test
    void aRedisThatCannotBeReachedOnlyCostsAWarning() {
        CliRun r = CliRun.of("des", "ls", url("2025-01-15/shard_07/many.des"), "--endpoint", s3.endpoint().toString(),
                "--index-cache", "redis://127.0.0.1:1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("300 entries");
    }
}
