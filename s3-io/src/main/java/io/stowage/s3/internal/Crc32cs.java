package io.stowage.s3.internal;

import java.util.Locale;

/**
 * CRC-32C (Castagnoli, as {@link java.util.zip.CRC32C}) of whole objects: the {@code stowage-crc32c} metadata an upload
 * records, and the combination of ranges' CRCs into the whole object's, so parallel ranged downloads are verified as
 * they stream instead of by a second pass over the file. Stateless and thread-safe.
 */
final class Crc32cs {
    /** User metadata key (sent as {@code x-amz-meta-stowage-crc32c}): the object's CRC-32C as 8 lowercase hex digits. */
    public static final String METADATA = "stowage-crc32c";

    /** The CRC-32C polynomial, reflected. */
    private static final int POLY = 0x82F63B78;
    /**
     * x^(2^k) mod P(x) repeats with period 31 in k: P is (x + 1) times an irreducible polynomial of degree 31, so
     * x^(2^31) = x mod P. (zlib's table for CRC-32 wraps at 32; for this polynomial that would be wrong from 512 MiB.)
     */
    private static final int PERIOD = 31;
    /** X2N[k] = x^(2^k) mod P(x), reflected, for k < {@link #PERIOD}. */
    private static final int[] X2N = new int[PERIOD];

    static {
        int p = 1 << 30;   // x^1
        X2N[0] = p;
        for (int k = 1; k < PERIOD; k++) {
            p = multModP(p, p);
            X2N[k] = p;
        }
    }

    private Crc32cs() {}

    /**
     * The CRC-32C of A followed by B, from {@code crcA}, {@code crcB} and B's length (zlib's crc32_combine, for the
     * Castagnoli polynomial). O(log lenB).
     */
    public static int combine(int crcA, int crcB, long lenB) {
        if (lenB < 0) {
            throw new IllegalArgumentException("negative length " + lenB);
        }
        return multModP(xPow8n(lenB), crcA) ^ crcB;
    }

    /** The CRC-32C of consecutive ranges, range i having CRC {@code crcs[i]} and {@code lengths[i]} bytes. */
    public static int combineAll(int[] crcs, long[] lengths) {
        if (crcs.length != lengths.length) {
            throw new IllegalArgumentException(crcs.length + " CRCs for " + lengths.length + " lengths");
        }
        int crc = 0;   // the CRC-32C of no bytes
        for (int i = 0; i < crcs.length; i++) {
            crc = combine(crc, crcs[i], lengths[i]);
        }
        return crc;
    }

    public static String hex(int crc) {
        return String.format(Locale.ROOT, "%08x", crc);
    }

    /** The CRC in a {@code stowage-crc32c} value, or null when the value is absent or not 8 hex digits (ignored). */
    public static Integer parse(String value) {
        if (value == null || value.length() != 8) {
            return null;
        }
        try {
            return Integer.parseUnsignedInt(value, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** a(x) * b(x) mod P(x), both reflected. */
    private static int multModP(int a, int b) {
        if (a == 0) {
            return 0;
        }
        int m = 1 << 31;
        int p = 0;
        while (true) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    return p;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
    }

    /** x^(8n) mod P(x): shifting a CRC over n zero bytes. */
    private static int xPow8n(long n) {
        int p = 1 << 31;   // x^0
        int k = 3;         // 8n = n * 2^3
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k % PERIOD], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}
