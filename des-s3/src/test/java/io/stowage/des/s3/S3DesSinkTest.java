package io.stowage.des.s3;

import io.stowage.des.DesException;
import io.stowage.des.DesOutputExistsException;
import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DesWriter into S3: streamed multipart upload, visible only when complete, nothing left behind on failure. */
class S3DesSinkTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    List<String> keys() {
        return S3.client().listObjectsV2(r -> r.bucket(S3.bucket())).contents().stream().map(S3Object::key)
                .sorted().collect(Collectors.toList());
    }

    int openUploads() {
        return S3.client().listMultipartUploads(r -> r.bucket(S3.bucket())).uploads().size();
    }

    @Test
    void aBigArchiveStreamsAsMultipartAndAppearsOnlyWhenComplete() {
        Map<String, byte[]> entries = Fixtures.entries(12, 1 << 20);   // 12 MiB: three 5 MiB parts
        String key = "2025-01-15/shard_07/day.des";
        S3DesSink sink = S3DesSink.builder(S3.client(), S3.bucket(), key).partSize(5 << 20).build();
        DesWriteReport res;
        try (DesWriter w = DesWriter.builder(sink).build()) {
            int i = 0;
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                w.add(e.getKey(), e.getValue(), Map.of("i", i++));
                if (i == 8) {
                    assertThat(sink.written()).isGreaterThan(5L << 20);
                    assertThat(keys()).isEmpty();               // parts uploaded, object not there
                    assertThat(openUploads()).isEqualTo(1);
                }
            }
            res = w.finish();
        }
        assertThat(res.archive()).isEqualTo("s3://" + S3.bucket() + "/" + key);
        assertThat(keys()).containsExactly(key);
        assertThat(openUploads()).isZero();
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), key)) {
            assertThat(r.list()).hasSize(12);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                assertThat(Fixtures.bytes(r.read(e.getKey()))).isEqualTo(e.getValue());
            }
            assertThat(r.verify().ok()).isTrue();
            assertThat(r.index().footer().fileSize()).isEqualTo(res.archiveBytes());
        }
    }

    @Test
    void aSmallArchiveIsOnePutAtCommit() {
        try (DesWriter w = DesWriter.builder(S3DesSink.create(S3.client(), S3.bucket(), "small.des")).build()) {
            w.add("a.txt", "alpha".getBytes(), null);
            assertThat(keys()).isEmpty();
            w.finish();
        }
        assertThat(openUploads()).isZero();
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "small.des")) {
            assertThat(new String(Fixtures.bytes(r.read("a.txt")))).isEqualTo("alpha");
        }
    }

    @Test
    void bigPayloadsGoToBigFilesAndReadBack() {
        byte[] big = Fixtures.payload(77, 300_000);
        try (DesWriter w = DesWriter.builder(S3DesSink.create(S3.client(), S3.bucket(), "day1/x.des"))
                .externalThreshold(100_000).externalStore(S3ExternalStore.create(S3.client(), S3.bucket()), "day1")
                .build()) {
            w.add("small", new byte[] {1, 2, 3}, null);
            w.add("clip.ts", big, Map.of("kind", "video"));
            w.finish();
        }
        assertThat(keys()).containsExactly("day1/_bigFiles/clip.ts", "day1/x.des");
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "day1/x.des")) {
            assertThat(r.entry("clip.ts").isExternal()).isTrue();
            assertThat(r.entry("clip.ts").externalKey()).isEqualTo("day1/_bigFiles/clip.ts");
            assertThat(Fixtures.bytes(r.read("clip.ts"))).isEqualTo(big);
        }
    }

    @Test
    void anExternalPayloadOverThePartSizeIsAMultipartObject() throws IOException {
        S3ExternalStore store = S3ExternalStore.create(S3.client(), S3.bucket()).withPartSize(5 << 20);
        byte[] big = Fixtures.payload(5, (11 << 20) + 123);
        store.put("_bigFiles/huge", new ByteArrayInputStream(big), big.length);
        try (InputStream in = store.open("_bigFiles/huge")) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
        assertThatThrownBy(() -> store.put("_bigFiles/short", new ByteArrayInputStream(big), big.length + 10L))
                .isInstanceOf(IOException.class).hasMessageContaining("ended after");
        assertThatThrownBy(() -> store.put("_bigFiles/long", new ByteArrayInputStream(big), 1000))
                .isInstanceOf(IOException.class).hasMessageContaining("more than 1000 bytes");
        assertThat(keys()).containsExactly("_bigFiles/huge");
        assertThat(openUploads()).isZero();
        store.delete("_bigFiles/huge");
        assertThatThrownBy(() -> store.open("_bigFiles/huge")).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void aFailedPackAbortsTheUploadAndDeletesTheBigFilesItStored() {
        S3DesSink sink = S3DesSink.builder(S3.client(), S3.bucket(), "day2/fail.des").partSize(5 << 20).build();
        DesWriter w = DesWriter.builder(sink).externalThreshold(200_000)
                .externalStore(S3ExternalStore.create(S3.client(), S3.bucket()), "day2").build();
        try (w) {
            w.add("big1", Fixtures.payload(1, 250_000), null);
            for (int i = 0; i < 48; i++) {
                w.add("p" + i, Fixtures.payload(i, 150_000), null);     // 7.2 MB inside: one part is up
            }
            assertThat(openUploads()).isEqualTo(1);
            assertThat(keys()).containsExactly("day2/_bigFiles/big1");
            InputStream failing = new InputStream() {
                int n;

                @Override
                public int read() throws IOException {
                    if (++n > 1000) {
                        throw new IOException("disk gone");
                    }
                    return 0;
                }
            };
            assertThatThrownBy(() -> w.add("broken", failing, 5000, null)).isInstanceOf(DesException.class);
        }
        assertThat(keys()).isEmpty();
        assertThat(openUploads()).isZero();
        assertThatThrownBy(() -> S3.client().headObject(r -> r.bucket(S3.bucket()).key("day2/fail.des")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void anExistingArchiveIsNotReplacedUnlessAsked() {
        Fixtures.put(S3.client(), S3.bucket(), "exists.des", new byte[] {1});
        assertThatThrownBy(() -> S3DesSink.create(S3.client(), S3.bucket(), "exists.des"))
                .isInstanceOf(DesOutputExistsException.class).hasMessageContaining("already exists")
                .hasMessageContaining("overwrite(true)")
                .satisfies(e -> assertThat(((DesOutputExistsException) e).path())
                        .isEqualTo("s3://" + S3.bucket() + "/exists.des"));
        try (DesWriter w = DesWriter.builder(S3DesSink.builder(S3.client(), S3.bucket(), "exists.des")
                .overwrite(true).build()).build()) {
            w.add("x", ByteBuffer.wrap(new byte[] {9}), null);
            w.finish();
        }
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "exists.des")) {
            assertThat(r.list()).hasSize(1);
        }
    }
}
