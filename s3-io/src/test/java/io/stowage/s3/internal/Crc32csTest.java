package io.stowage.s3.internal;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Combining ranges' CRC-32Cs gives exactly the JDK's CRC-32C of the whole, for any split. */
class Crc32csTest {
    static int crc(byte[] b, int from, int to) {
        CRC32C c = new CRC32C();
        c.update(b, from, to - from);
        return (int) c.getValue();
    }

    @Property(tries = 300)
    void combiningAnySplitGivesTheCrcOfTheWhole(@ForAll @Size(max = 5000) byte[] data,
                                                @ForAll @IntRange(min = 1, max = 9) int pieces,
                                                @ForAll long seed) {
        java.util.Random r = new java.util.Random(seed);
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = data.length;
        for (int i = 1; i < pieces; i++) {
            cuts[i] = data.length == 0 ? 0 : r.nextInt(data.length + 1);   // empty pieces included
        }
        Arrays.sort(cuts);
        int[] crcs = new int[pieces];
        long[] lengths = new long[pieces];
        for (int i = 0; i < pieces; i++) {
            crcs[i] = crc(data, cuts[i], cuts[i + 1]);
            lengths[i] = cuts[i + 1] - cuts[i];
        }
        assertThat(Crc32cs.combineAll(crcs, lengths)).isEqualTo(crc(data, 0, data.length));
        if (pieces == 2) {
            assertThat(Crc32cs.combine(crcs[0], crcs[1], lengths[1])).isEqualTo(crc(data, 0, data.length));
        }
    }

    @Test
    void combinesPastHalfAGibibyteAsTheJdkComputesIt() {
        // CRC(A || zeros(n)) computed directly, n over 512 MiB: the length's bit 29 makes 8n reach x^(2^32), where a
        // table that wraps at 32 (zlib's, right only for CRC-32) gives a wrong CRC
        byte[] a = "stowage".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long n = (1L << 29) + (3L << 20) + 12345;
        byte[] zeros = new byte[1 << 20];
        CRC32C whole = new CRC32C();
        whole.update(a);
        CRC32C b = new CRC32C();
        for (long left = n; left > 0; left -= zeros.length) {
            int k = (int) Math.min(zeros.length, left);
            whole.update(zeros, 0, k);
            b.update(zeros, 0, k);
        }
        assertThat(Crc32cs.combine(crc(a, 0, a.length), (int) b.getValue(), n)).isEqualTo((int) whole.getValue());
    }

    @Property(tries = 200)
    void combiningIsAssociativeForLengthsUpToATerabyte(@ForAll int a, @ForAll int b, @ForAll int c,
                                                       @ForAll @net.jqwik.api.constraints.LongRange(max = 1L << 40)
                                                       long m,
                                                       @ForAll @net.jqwik.api.constraints.LongRange(max = 1L << 40)
                                                       long n) {
        // (A || B) || C == A || (B || C), for CRCs a, b, c of B with m bytes and C with n bytes
        assertThat(Crc32cs.combine(Crc32cs.combine(a, b, m), c, n))
                .isEqualTo(Crc32cs.combine(a, Crc32cs.combine(b, c, n), m + n));
    }

    @Test
    void metadataValuesRoundTripAndJunkIsIgnored() {
        for (int v : new int[] {0, 1, -1, 0x82F63B78, 0x7fffffff}) {
            assertThat(Crc32cs.hex(v)).hasSize(8);
            assertThat(Crc32cs.parse(Crc32cs.hex(v))).isEqualTo(v);
        }
        assertThat(Crc32cs.parse(null)).isNull();
        assertThat(Crc32cs.parse("")).isNull();
        assertThat(Crc32cs.parse("1234567")).isNull();
        assertThat(Crc32cs.parse("123456789")).isNull();
        assertThat(Crc32cs.parse("zzzzzzzz")).isNull();
        assertThat(Crc32cs.parse("-1234567")).isNull();
        assertThatThrownBy(() -> Crc32cs.combine(0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
