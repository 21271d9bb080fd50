package io.stowage.cli;

import io.stowage.s3.EmbeddedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage des cat s3://...} through the shaded jar: the exact bytes on stdout, errors on stderr. */
class DesS3JarIT {
    static EmbeddedS3 s3;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.builder().bucket("media").start();
        Path v = CliRun.vectors().resolve("des-v1");
        try (S3Client c = s3.newClient()) {
            c.putObject(r -> r.bucket("media").key("2025-01-15/shard_07/external.des"),
                    RequestBody.fromFile(v.resolve("external.des")));
            c.putObject(r -> r.bucket("media").key("2025-01-15/shard_07/_bigFiles/b_big"),
                    RequestBody.fromFile(v.resolve("external_objects/2025-01-15/shard_07/_bigFiles/b_big")));
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void catWritesTheExactBytesOfAnS3EntryIncludingAnExternalOne() throws Exception {
        Path v = CliRun.vectors().resolve("des-v1");
        StowageJarIT.Proc big = StowageJarIT.run("des", "cat", "s3://media/2025-01-15/shard_07/external.des", "b_big",
                "--endpoint", s3.endpoint().toString());
        assertThat(big.code()).as(big.err()).isZero();
        assertThat(big.out()).isEqualTo(Files.readAllBytes(v.resolve(
                "external_objects/2025-01-15/shard_07/_bigFiles/b_big")));
        StowageJarIT.Proc missing = StowageJarIT.run("des", "cat", "s3://media/2025-01-15/shard_07/external.des",
                "nope", "--endpoint", s3.endpoint().toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).contains("no entry named 'nope'");
    }
}
