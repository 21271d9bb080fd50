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
    void theShadedJarReallyLoadsTheRedisClientForIndexCacheRedis() throws Exception {
        io.stowage.testing.core.TestRedis.requireReachable();
        String key = "it-" + Long.toUnsignedString(System.nanoTime(), 36) + "/day.des";
        Path v = CliRun.vectors().resolve("des-v1");
        try (S3Client c = s3.newClient()) {
            c.putObject(r -> r.bucket("media").key(key), RequestBody.fromFile(v.resolve("small.des")));
        }
        String redisKey = "stowage:des-index:media/" + key;   // RedisIndexCache's default prefix
        try (var client = io.lettuce.core.RedisClient.create(io.stowage.testing.core.TestRedis.url());
             var conn = client.connect()) {
            try {
                StowageJarIT.Proc ls = StowageJarIT.run("des", "ls", "s3://media/" + key, "--endpoint",
                        s3.endpoint().toString(), "--index-cache", io.stowage.testing.core.TestRedis.url(), "--json");
                assertThat(ls.code()).as(ls.err()).isZero();
                // a Redis client that failed to load (shading) would only log a warning and read from S3
                assertThat(ls.err()).doesNotContain("unavailable").doesNotContain("NoClassDefFoundError");
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                while (conn.sync().exists(redisKey) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(conn.sync().exists(redisKey)).as("the index stored in Redis by the jar").isEqualTo(1);
                StowageJarIT.Proc again = StowageJarIT.run("des", "ls", "s3://media/" + key, "--endpoint",
                        s3.endpoint().toString(), "--index-cache", io.stowage.testing.core.TestRedis.url(), "--json");
                assertThat(again.code()).as(again.err()).isZero();
                assertThat(again.outText()).isEqualTo(ls.outText());
            } finally {
                conn.sync().del(redisKey);
            }
        }
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
