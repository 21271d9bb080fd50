package io.stowage.des.s3;

import io.stowage.des.DesEntry;
import io.stowage.des.DesFooter;
import io.stowage.des.DesIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis value format: round trip, and every single-bit corruption, every truncation and every extension of a
 * value is refused or gives an index identical to the original (a flip inside the ETag gives another ETag, which
 * {@code If-Match} refuses on the next read: it can cost a request, never a wrong offset).
 */
class IndexCodecTest {
    @TempDir
    Path tmp;

    CachedIndex index(boolean checksums, int entries) {
        byte[] archive = Fixtures.archive(tmp, Fixtures.entries(entries, 50), checksums);
        DesFooter f = DesFooter.parse("a", archive.length, ByteBuffer.wrap(archive, archive.length - 72, 72).slice());
        int suffixLen = (int) f.tailLength() + 72;
        byte[] suffix = Arrays.copyOfRange(archive, archive.length - suffixLen, archive.length);
        DesIndex idx = DesIndex.parse("a", f, ByteBuffer.wrap(suffix, 0, suffixLen - 72));
        return new CachedIndex("\"0123456789abcdef\"", idx, suffix);
    }

    static void assertSameIndex(CachedIndex a, CachedIndex b) {
        assertThat(b.index().size()).isEqualTo(a.index().size());
        for (int i = 0; i < a.index().size(); i++) {
            DesEntry x = a.index().entries().get(i);
            DesEntry y = b.index().entries().get(i);
            assertThat(y.name()).isEqualTo(x.name());
            assertThat(y.dataOffset()).isEqualTo(x.dataOffset());
            assertThat(y.size()).isEqualTo(x.size());
            assertThat(y.meta()).isEqualTo(x.meta());
            assertThat(y.crc32c()).isEqualTo(x.crc32c());
        }
        assertThat(b.index().footer().fileSize()).isEqualTo(a.index().footer().fileSize());
    }

    @Test
    void roundTripsAndDeflates() {
        CachedIndex c = index(true, 200);
        byte[] v = IndexCodec.encode(c);
        assertThat(v.length).isLessThan(c.suffix().length / 2);
        CachedIndex back = IndexCodec.decode("a", v, 1 << 20);
        assertThat(back.etag()).isEqualTo(c.etag());
        assertSameIndex(c, back);
    }

    @Test
    void everyFlippedByteIsRefusedOrHarmless() {
        for (boolean checksums : new boolean[] {true, false}) {
            CachedIndex c = index(checksums, 12);
            byte[] v = IndexCodec.encode(c);
            int etagEnd = 4 + 1 + 2 + c.etag().length();
            for (int i = 0; i < v.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] bad = v.clone();
                    bad[i] ^= bit;
                    CachedIndex got;
                    try {
                        got = IndexCodec.decode("a", bad, 1 << 20);
                    } catch (DesS3InvalidCacheValueException e) {
                        continue;
                    }
                    // accepted (a flipped ETag byte, or a deflate padding bit): the index must be the same, and
                    // a different ETag only comes from the ETag's own bytes (If-Match refuses it on the next read)
                    assertSameIndex(c, got);
                    if (!got.etag().equals(c.etag())) {
                        assertThat(i).as("ETag changed by a flip at byte %d", i).isBetween(7, etagEnd - 1);
                    }
                }
            }
        }
    }

    @Test
    void truncatedOrExtendedValuesAreRefused() {
        CachedIndex c = index(true, 12);
        byte[] v = IndexCodec.encode(c);
        for (int n = 0; n < v.length; n++) {
            byte[] cut = Arrays.copyOf(v, n);
            assertThatThrownBy(() -> IndexCodec.decode("a", cut, 1 << 20)).as("cut at %d", n)
                    .isInstanceOf(DesS3InvalidCacheValueException.class);
        }
        byte[] longer = Arrays.copyOf(v, v.length + 1);
        assertThatThrownBy(() -> IndexCodec.decode("a", longer, 1 << 20))
                .isInstanceOf(DesS3InvalidCacheValueException.class);
        assertThatThrownBy(() -> IndexCodec.decode("a", v, 100)).isInstanceOf(DesS3InvalidCacheValueException.class);
    }
}
