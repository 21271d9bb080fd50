package io.stowage.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** EmbeddedS3 over real HTTP with the AWS SDK's default checksums (DESIGN.md's list of what must work). */
class EmbeddedS3Test {
    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().bucket("media").start();
        s3 = server.newClient();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    @Test
    void putGetWithDefaultChecksumTrailer() {
        s3.putObject(b -> b.bucket("media").key("a/b.txt"), RequestBody.fromString("hello"));
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket("media").key("a/b.txt"));
        assertThat(got.asUtf8String()).isEqualTo("hello");
    }

    @Test
    void suffixRangeGivesContentRange() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        s3.putObject(b -> b.bucket("media").key("range.bin"), RequestBody.fromBytes(data));
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket("media").key("range.bin")
                .range("bytes=-10"));
        assertThat(got.asByteArray()).isEqualTo(Arrays.copyOfRange(data, 90, 100));
        assertThat(got.response().contentRange()).isEqualTo("bytes 90-99/100");
    }

    @Test
    void multipartListAndDeleteObjects() {
        String id = s3.createMultipartUpload(b -> b.bucket("media").key("mp/big.bin")).uploadId();
        byte[] part1 = new byte[5 * 1024 * 1024];
        Arrays.fill(part1, (byte) 'x');
        byte[] part2 = "tail".getBytes(StandardCharsets.UTF_8);
        String e1 = s3.uploadPart(b -> b.bucket("media").key("mp/big.bin").uploadId(id).partNumber(1),
                RequestBody.fromBytes(part1)).eTag();
        String e2 = s3.uploadPart(b -> b.bucket("media").key("mp/big.bin").uploadId(id).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();
        s3.completeMultipartUpload(b -> b.bucket("media").key("mp/big.bin").uploadId(id).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                CompletedPart.builder().partNumber(2).eTag(e2).build())));
        assertThat(s3.headObject(b -> b.bucket("media").key("mp/big.bin")).contentLength())
                .isEqualTo(part1.length + part2.length);

        for (int i = 0; i < 5; i++) {
            int n = i;
            s3.putObject(b -> b.bucket("media").key("mp/small-" + n), RequestBody.fromString("s" + n));
        }
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket("media").prefix("mp/").maxKeys(2)).contents()
                .forEach(o -> keys.add(o.key()));
        assertThat(keys).containsExactly("mp/big.bin", "mp/small-0", "mp/small-1", "mp/small-2", "mp/small-3",
                "mp/small-4");

        s3.deleteObjects(b -> b.bucket("media").delete(d -> d.objects(IntStream.range(0, 5)
                .mapToObj(i -> ObjectIdentifier.builder().key("mp/small-" + i).build()).toList())));
        List<S3Object> left = s3.listObjectsV2(b -> b.bucket("media").prefix("mp/")).contents();
        assertThat(left).extracting(S3Object::key).containsExactly("mp/big.bin");
    }

    @Test
    void eachSubfolderIsABucketAndDataLivesInTheFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("existing"));
        try (EmbeddedS3 other = EmbeddedS3.builder().directory(dir).bucket("created").start();
             S3Client c = other.newClient()) {
            assertThat(c.listBuckets().buckets()).extracting(b -> b.name()).contains("existing", "created");
            c.putObject(b -> b.bucket("existing").key("x/y.txt"), RequestBody.fromString("data"));
            assertThat(other.buckets()).containsExactly("created", "existing");
        }
        // the folder and its data survive close: only a temporary folder is deleted
        assertThat(dir.resolve("existing")).isDirectory();
        try (EmbeddedS3 again = EmbeddedS3.start(dir); S3Client c = again.newClient()) {
            assertThat(c.getObjectAsBytes(b -> b.bucket("existing").key("x/y.txt")).asUtf8String()).isEqualTo("data");
        }
    }

    @Test
    void aRelativeFolderWithDotSegmentsWorks(@TempDir Path dir) throws Exception {
        // regression: S3Proxy answered 400 to every bucket request when its folder path contained "/./"
        Path dotted = Path.of(dir.toString(), ".", "store");
        try (EmbeddedS3 s = EmbeddedS3.builder().directory(dotted).bucket("media").start(); S3Client c = s.newClient()) {
            c.headBucket(b -> b.bucket("media"));
            c.putObject(b -> b.bucket("media").key("k"), RequestBody.fromString("v"));
            assertThat(s.directory()).isEqualTo(dir.resolve("store"));
        }
    }

    @Test
    void whenRequiredChecksumsForOlderStoresWork() {
        // regression: the factory also set S3Configuration's checksum flag and the SDK refused to build the client
        try (S3Client legacy = server.settings().withChecksums(S3Settings.Checksums.WHEN_REQUIRED).newClient()) {
            legacy.putObject(b -> b.bucket("media").key("legacy/a"), RequestBody.fromString("a"));
            legacy.putObject(b -> b.bucket("media").key("legacy/b"), RequestBody.fromString("b"));
            legacy.deleteObjects(b -> b.bucket("media").delete(d -> d.objects(
                    ObjectIdentifier.builder().key("legacy/a").build(),
                    ObjectIdentifier.builder().key("legacy/b").build())));
            assertThat(legacy.listObjectsV2(b -> b.bucket("media").prefix("legacy/")).contents()).isEmpty();
        }
    }

    @Test
    void acceptsAnyCredentialsUnlessGivenAPair() {
        try (S3Client anyone = S3Settings.forEndpoint(server.endpoint()).withCredentials("who", "ever").newClient()) {
            assertThat(anyone.listBuckets().buckets()).extracting(b -> b.name()).contains("media");
        }
        try (EmbeddedS3 locked = EmbeddedS3.builder().credentials("alice", "alice-secret").bucket("vault").start();
             S3Client good = locked.newClient();
             S3Client bad = S3Settings.forEndpoint(locked.endpoint()).withCredentials("alice", "wrong")
                     .withSdkMaxAttempts(1).newClient()) {
            good.putObject(b -> b.bucket("vault").key("k"), RequestBody.fromString("v"));
            assertThatThrownBy(() -> bad.getObjectAsBytes(b -> b.bucket("vault").key("k")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsTemporaryFolder() {
        EmbeddedS3 temp = EmbeddedS3.builder().bucket("tmp-bucket").start();
        Path dir = temp.directory();
        URI endpoint = temp.endpoint();
        assertThat(dir.resolve("tmp-bucket")).isDirectory();
        temp.close();
        temp.close();   // idempotent
        assertThat(dir).doesNotExist();
        try (S3Client c = S3Settings.forEndpoint(endpoint).withSdkMaxAttempts(1).newClient()) {
            assertThatThrownBy(c::listBuckets).isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
    }

    @Test
    void portInUseIsAClearError() {
        assertThatThrownBy(() -> EmbeddedS3.builder().port(server.port()).start())
                .isInstanceOf(S3EmbeddedServerException.class)
                .hasMessageContaining(String.valueOf(server.port()))
                .hasMessageContaining("port may be taken")
                .satisfies(e -> {
                    S3EmbeddedServerException x = (S3EmbeddedServerException) e;
                    assertThat(x.stage()).isEqualTo(S3EmbeddedServerException.Stage.LISTEN);
                    assertThat(x.address()).endsWith(":" + server.port());
                    assertThat(x.folder()).isNotNull();
                });
    }
}
