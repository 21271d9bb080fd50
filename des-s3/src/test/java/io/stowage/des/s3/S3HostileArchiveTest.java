package io.stowage.des.s3;

import io.stowage.des.DesChecksumException;
import io.stowage.des.DesCorruptException;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.DesWriter;
import io.stowage.des.ExternalStore;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Regression tests of issue 17 for des-s3, one per defect, named after it. */
class S3HostileArchiveTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @TempDir
    Path tmp;

    /** Counts what it is given (standing in for stdout). */
    static final class CountingChannel implements WritableByteChannel {
        long written;

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    static int indexOf(byte[] a, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= a.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /** Replaces {@code from} by {@code to} (same length) in META and recomputes the footer's CRC-32C. */
    static byte[] craft(byte[] a, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertThat(t).hasSameSizeAs(f);
        byte[] b = a.clone();
        System.arraycopy(t, 0, b, indexOf(b, f), t.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int footer = b.length - 72;
        int metaStart = (int) bb.getLong(footer + 32);
        CRC32C crc = new CRC32C();
        crc.update(b, metaStart, footer - metaStart);
        bb.putInt(footer + 12, (int) crc.getValue());
        return b;
    }

    @Test
    void desVerifyS3SkipsTheCrc32cOfZeroLengthEntries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x", "some bytes".getBytes(StandardCharsets.UTF_8));
        entries.put("empty", new byte[0]);
        byte[] archive = craft(Fixtures.archive(tmp, entries, true), "\"00000000\"", "\"00000001\"");
        Fixtures.put(S3.client(), S3.bucket(), "empty-crc.des", archive);
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "empty-crc.des")) {
            DesVerifyReport rep = r.verify();
            assertThat(rep.problems()).singleElement().satisfies(p -> {
                assertThat(p.entry()).isEqualTo("empty");
                assertThat(p.type()).isEqualTo("DesChecksumException");
            });
            assertThatThrownBy(() -> r.read("empty")).isInstanceOf(DesChecksumException.class);
        }
    }

    @Test
    void desCatS3WritesNoByteOfAnEntryWhoseChecksumFails() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a", Fixtures.payload(1, 1000));
        entries.put("big.bin", Fixtures.payload(2, 3 << 20));
        byte[] archive = Fixtures.archive(tmp, entries, true);
        archive[16 + 1000 + (3 << 20) - 100] ^= 0x10;   // late in big.bin
        Fixtures.put(S3.client(), S3.bucket(), "late-damage.des", archive);
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "late-damage.des")) {
            CountingChannel out = new CountingChannel();
            assertThatThrownBy(() -> r.transferTo("big.bin", out)).isInstanceOf(DesChecksumException.class);
            assertThat(out.written).as("bytes written before the checksum failed").isZero();
            assertThat(r.transferTo("a", out)).isEqualTo(1000);
        }
    }

    @Test
    void anEscapingExternalKeyOnS3IsACorruptArchiveThatVerifyListsAndGoesOn() throws Exception {
        Path day = tmp.resolve("ext.des");
        try (DesWriter w = DesWriter.builder(day).externalThreshold(100)
                .externalStore(ExternalStore.directory(tmp.resolve("objects")), "abcdef").build()) {
            w.add("inside", "fine".getBytes(StandardCharsets.UTF_8), null);
            w.add("big", Fixtures.payload(3, 1000), null);
            w.finish();
        }
        byte[] archive = craft(Files.readAllBytes(day), "abcdef", "../../");
        Fixtures.put(S3.client(), S3.bucket(), "p/escape.des", archive);
        try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "p/escape.des")) {
            assertThatThrownBy(() -> r.read("big")).isInstanceOfSatisfying(DesCorruptException.class,
                    e -> assertThat(e.field()).isEqualTo("index[1].meta.external_key"));
            DesVerifyReport rep = r.verify();
            assertThat(rep.entries()).isEqualTo(2);
            assertThat(rep.problems()).singleElement().satisfies(p -> assertThat(p.entry()).isEqualTo("big"));
            assertThat(Fixtures.bytes(r.read("inside"))).isEqualTo("fine".getBytes(StandardCharsets.UTF_8));
        }
    }
}
