package io.stowage.des.s3;

import io.stowage.des.DesChecksumException;
import io.stowage.des.DesCorruptException;
import io.stowage.des.DesIoException;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.DesWriter;
import io.stowage.des.ExternalStore;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad objects in the store give typed errors naming the field, never wrong bytes. */
class S3DesReaderFaultsTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @TempDir
    Path tmp;

    S3DesReader open(String key, byte[] bytes) {
        Fixtures.put(S3.client(), S3.bucket(), key, bytes);
        return S3DesReader.open(S3.client(), S3.bucket(), key);
    }

    byte[] small() throws Exception {
        return Files.readAllBytes(Fixtures.vectors().resolve("des-v1/small.des"));
    }

    @Test
    void anObjectShorterThanAFooterIsCorruptNamingTheSize() {
        byte[] b = "DESHEAD1\u0001\0\0\0\0\0\0\0 and a few more bytes".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> open("short.des", b)).isInstanceOfSatisfying(DesCorruptException.class, e -> {
            assertThat(e.field()).isEqualTo("file_size");
            assertThat(e.getMessage()).contains(b.length + " bytes").contains("88");
        });
    }

    @Test
    void anEmptyObjectIsCorrupt() {
        assertThatThrownBy(() -> open("empty-object.des", new byte[0]))
                .isInstanceOfSatisfying(DesCorruptException.class, e -> assertThat(e.field()).isEqualTo("file_size"));
    }

    @Test
    void somethingElseIsNotDes() {
        byte[] b = Fixtures.payload(1, 5000);
        assertThatThrownBy(() -> open("random.bin", b)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("header.magic"));
    }

    @Test
    void aFooterThatPointsOutsideTheObjectIsCorrupt() throws Exception {
        byte[] b = small();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(b.length - 72 + 16 + 8 * 5, 1L << 40); // index_length
        assertThatThrownBy(() -> open("outside.des", b)).isInstanceOfSatisfying(DesCorruptException.class, e -> {
            assertThat(e.field()).isEqualTo("footer.index_length");
            assertThat(e.offset()).isEqualTo(b.length - 72 + 16 + 8 * 5);
        });
    }

    @Test
    void anIndexThatDoesNotParseIsCorrupt() throws Exception {
        byte[] b = small();
        ByteBuffer f = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long indexStart = f.getLong(b.length - 72 + 16 + 8 * 4);
        f.putShort((int) indexStart, (short) 60000);   // first record's name_len runs past the index
        assertThatThrownBy(() -> open("bad-index.des", b)).isInstanceOfSatisfying(DesCorruptException.class,
                e -> assertThat(e.field()).isEqualTo("index[0].name_len"));
    }

    @Test
    void aTruncatedUploadIsCorrupt() throws Exception {
        byte[] b = small();
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 10);
        assertThatThrownBy(() -> open("cut.des", cut)).isInstanceOf(DesCorruptException.class);
    }

    @Test
    void aPayloadWithAWrongCrc32cIsNeverReturned() throws Exception {
        Map<String, byte[]> entries = Fixtures.entries(10, 300);
        byte[] b = Fixtures.archive(tmp, entries, true);
        long off;
        try (S3DesReader r = open("ok.des", b)) {
            off = r.entry("e0004").dataOffset();
        }
        b[(int) off + 17] ^= 0x40;
        try (S3DesReader r = open("flipped.des", b)) {
            assertThatThrownBy(() -> r.read("e0004")).isInstanceOfSatisfying(DesChecksumException.class,
                    e -> assertThat(e.field()).isEqualTo("index[4].meta.crc32c"));
            assertThatThrownBy(() -> r.read("e0004", new byte[300], 0)).isInstanceOf(DesChecksumException.class);
            assertThatThrownBy(() -> r.readAll(List.of("e0003", "e0004", "e0005")))
                    .isInstanceOf(DesChecksumException.class);
            assertThatThrownBy(() -> {
                try (InputStream in = r.openStream("e0004")) {
                    in.readAllBytes();
                }
            }).isInstanceOf(DesChecksumException.class);
            assertThat(Fixtures.bytes(r.read("e0005"))).isEqualTo(entries.get("e0005"));   // the others are fine
            DesVerifyReport rep = r.verify();
            assertThat(rep.problems()).singleElement().satisfies(p -> {
                assertThat(p.entry()).isEqualTo("e0004");
                assertThat(p.type()).isEqualTo("DesChecksumException");
            });
            assertThat(rep.checksummed()).isEqualTo(10);
        }
    }

    @Test
    void aFlippedIndexByteFailsTheFooterChecksum() throws Exception {
        byte[] b = Fixtures.archive(tmp, Fixtures.entries(5, 100), true);
        b[b.length - 72 - 3] ^= 1;   // last INDEX record's flags area
        assertThatThrownBy(() -> open("flipped-index.des", b)).isInstanceOfSatisfying(DesChecksumException.class,
                e -> assertThat(e.field()).isEqualTo("footer.crc32c"));
    }

    @Test
    void aMissingArchiveIsAnIoErrorNamingIt() {
        assertThatThrownBy(() -> S3DesReader.open(S3.client(), S3.bucket(), "nope/missing.des"))
                .isInstanceOf(DesIoException.class).hasMessageContaining("s3://" + S3.bucket() + "/nope/missing.des")
                .hasMessageContaining("no such archive");
    }

    @Test
    void aMissingExternalObjectIsAnIoErrorNamingTheKey() throws Exception {
        Path big = tmp.resolve("big");
        Path archive = tmp.resolve("x.des");
        try (DesWriter w = DesWriter.builder(archive).externalThreshold(1000)
                .externalStore(ExternalStore.directory(big), "day1").build()) {
            w.add("small", new byte[10], null);
            w.add("large", Fixtures.payload(3, 5000), null);
            w.finish();
        }
        try (S3DesReader r = open("day1/x.des", Files.readAllBytes(archive))) {
            assertThatThrownBy(() -> r.read("large")).isInstanceOf(DesIoException.class)
                    .hasMessageContaining("day1/_bigFiles/large").hasMessageContaining("missing");
            assertThat(r.verify().problems()).singleElement().satisfies(p -> assertThat(p.entry()).isEqualTo("large"));
            // uploaded: it reads, with its crc32c checked
            Fixtures.put(S3.client(), S3.bucket(), "day1/_bigFiles/large", Fixtures.payload(3, 5000));
            assertThat(Fixtures.bytes(r.read("large"))).isEqualTo(Fixtures.payload(3, 5000));
            // replaced by other bytes of the same length: the checksum catches it
            Fixtures.put(S3.client(), S3.bucket(), "day1/_bigFiles/large", Fixtures.payload(4, 5000));
            assertThatThrownBy(() -> r.read("large")).isInstanceOf(DesChecksumException.class);
            Fixtures.put(S3.client(), S3.bucket(), "day1/_bigFiles/large", Fixtures.payload(3, 4000));
            assertThatThrownBy(() -> r.read("large")).isInstanceOf(DesCorruptException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void badS3UrlsAreRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> S3DesReader.builder(S3.client(), "s3://bucket-only/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3://BUCKET/KEY");
        assertThatThrownBy(() -> S3DesReader.builder(S3.client(), "/local/path.des"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3://BUCKET/KEY");
    }
}
