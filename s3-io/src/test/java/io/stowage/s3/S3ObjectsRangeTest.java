package io.stowage.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.Arrays;

import static io.stowage.s3.S3TestFiles.bytes;
import static io.stowage.s3.S3TestFiles.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The conditional ranged GETs ({@code getRange} with If-Match, {@code getSuffix}) and DELETE of {@link S3Objects}. */
class S3ObjectsRangeTest {
    static EmbeddedS3 server;
    static S3Client s3;
    static S3Objects objects;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().start();
        s3 = server.settings().newClient();
        objects = S3Objects.create(s3).withRetry(RetrySettings.defaults().withInitialBackoff(Duration.ofMillis(5)));
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static void put(String bucket, String key, byte[] data) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    @Test
    void rangeGivesTheBytesETagContentRangeAndTotalSize() throws Exception {
        String bucket = S3TestFiles.newBucket(server, "range");
        byte[] data = bytes(7, 5000);
        put(bucket, "a.bin", data);
        String eTag;
        try (RangeResponse r = objects.getRange(bucket, "a.bin", 100, 200, null)) {
            assertThat(r.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 100, 300));
            assertThat(r.start()).isEqualTo(100);
            assertThat(r.length()).isEqualTo(200);
            assertThat(r.totalSize()).isEqualTo(5000);
            assertThat(r.contentRange()).isEqualTo("bytes 100-299/5000");
            assertThat(ETags.unquote(r.eTag())).isEqualTo(md5(data));
            eTag = r.eTag();
        }
        try (RangeResponse r = objects.getRange(bucket, "a.bin", 4990, 100, eTag)) {   // past the end: up to it
            assertThat(r.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 4990, 5000));
            assertThat(r.start()).isEqualTo(4990);
            assertThat(r.totalSize()).isEqualTo(5000);
        }
        try (RangeResponse r = objects.getRange(bucket, "a.bin", 0, 1, ETags.unquote(eTag))) {   // unquoted works
            assertThat(r.body().readAllBytes()).containsExactly(data[0]);
        }
    }

    @Test
    void suffixGivesTheTailAndTheSizeWithoutAHead() throws Exception {
        String bucket = S3TestFiles.newBucket(server, "suffix");
        byte[] data = bytes(3, 3000);
        put(bucket, "a.bin", data);
        try (RangeResponse r = objects.getSuffix(bucket, "a.bin", 1000, null)) {
            assertThat(r.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 2000, 3000));
            assertThat(r.start()).isEqualTo(2000);
            assertThat(r.totalSize()).isEqualTo(3000);
        }
        try (RangeResponse r = objects.getSuffix(bucket, "a.bin", 10_000, null)) {   // shorter than asked: all of it
            assertThat(r.body().readAllBytes()).isEqualTo(data);
            assertThat(r.start()).isZero();
            assertThat(r.totalSize()).isEqualTo(3000);
        }
    }

    @Test
    void aReplacedObjectFailsThePreconditionWithItsFacts() throws Exception {
        String bucket = S3TestFiles.newBucket(server, "ifmatch");
        put(bucket, "a.bin", bytes(1, 2000));
        String old;
        try (RangeResponse r = objects.getSuffix(bucket, "a.bin", 100, null)) {
            old = r.eTag();
        }
        put(bucket, "a.bin", bytes(2, 2000));
        assertThatThrownBy(() -> objects.getRange(bucket, "a.bin", 0, 10, old))
                .isInstanceOfSatisfying(S3PreconditionFailedException.class, e -> {
                    assertThat(e.bucket()).isEqualTo(bucket);
                    assertThat(e.key()).isEqualTo("a.bin");
                    assertThat(e.expectedETag()).isEqualTo(old);
                    assertThat(e).isInstanceOf(S3IoException.class).hasMessageContaining(old);
                });
        assertThatThrownBy(() -> objects.getSuffix(bucket, "a.bin", 10, old))
                .isInstanceOf(S3PreconditionFailedException.class);
    }

    @Test
    void missingObjectsAndBadArguments() {
        String bucket = S3TestFiles.newBucket(server, "missing");
        assertThatThrownBy(() -> objects.getRange(bucket, "none", 0, 10, null))
                .isInstanceOfSatisfying(S3ObjectMissingException.class, e -> assertThat(e.key()).isEqualTo("none"));
        assertThatThrownBy(() -> objects.getSuffix(bucket, "none", 10, "\"abc\""))
                .isInstanceOf(S3ObjectMissingException.class);
        assertThatThrownBy(() -> objects.getRange(bucket, "none", -1, 10, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> objects.getRange(bucket, "none", 0, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> objects.getSuffix(bucket, "none", 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void suffixOfAnEmptyObjectIsTheStores416() {
        String bucket = S3TestFiles.newBucket(server, "empty");
        put(bucket, "empty.bin", new byte[0]);
        assertThatThrownBy(() -> objects.getSuffix(bucket, "empty.bin", 10, null))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(416));
    }

    @Test
    void deleteRemovesTheObjectAndAMissingKeyIsNoError() {
        String bucket = S3TestFiles.newBucket(server, "delete");
        put(bucket, "a.bin", bytes(1, 10));
        objects.delete(bucket, "a.bin");
        assertThat(objects.head(bucket, "a.bin")).isEmpty();
        objects.delete(bucket, "a.bin");   // again: S3 answers 204 for a missing key
    }

    @Test
    void contentRangeParsing() {
        assertThat(RangeResponse.parseContentRange("bytes 0-9/100", 10)).containsExactly(0, 9, 100);
        assertThat(RangeResponse.parseContentRange(" bytes 90-99/100 ", 10)).containsExactly(90, 99, 100);
        assertThat(RangeResponse.parseContentRange("bytes */100", 0)).containsExactly(100, 99, 100);
        assertThat(RangeResponse.parseContentRange(null, 42)).containsExactly(0, 41, 42);
        assertThat(RangeResponse.parseContentRange(null, -1)).isNull();
        assertThat(RangeResponse.parseContentRange("items 1-2", 2)).isNull();
    }
}
