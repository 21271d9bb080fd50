package io.stowage.des.s3;

import io.stowage.des.DesFooter;
import io.stowage.des.DesIndex;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The binary form of a cached index in a shared store (Redis): the archive's own META+INDEX+FOOTER bytes, deflated
 * (names and META JSON shrink 3-6x), behind a small header. Decoding parses and validates them again with des-format's
 * {@link DesFooter#parse} and {@link DesIndex#parse} (footer CRC included), so a damaged or foreign value is refused,
 * never trusted.
 *
 * <pre>
 * magic "SDI1" | u8 flags (bit 0: deflated) | u16 etag length | etag UTF-8 | u64 object size | u32 suffix length
 * | suffix bytes (deflated when flagged)
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class IndexCodec {
    private static final byte[] MAGIC = {'S', 'D', 'I', '1'};

    private IndexCodec() {
    }

    static byte[] encode(CachedIndex c) {
        if (c.suffix() == null) {
            throw new IllegalArgumentException("the index has no suffix bytes to encode");
        }
        byte[] etag = c.etag().getBytes(StandardCharsets.UTF_8);
        if (etag.length > 0xffff) {
            throw new IllegalArgumentException("ETag of " + etag.length + " bytes is too long");
        }
        byte[] body = deflate(c.suffix());
        boolean deflated = body.length < c.suffix().length;
        if (!deflated) {
            body = c.suffix();
        }
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + etag.length + 8 + 4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (deflated ? 1 : 0)).putShort((short) etag.length).put(etag)
                .putLong(c.index().footer().fileSize()).putInt(c.suffix().length).put(body);
        return b.array();
    }

    /**
     * Decodes and re-validates a value.
     *
     * @param archive    the archive's name for messages of the parsed index
     * @param maxSuffix  largest suffix accepted (bounds the memory a foreign value can make us allocate)
     * @throws DesS3InvalidCacheValueException when the value is not ours or is damaged (including a failed index
     *                                         validation)
     */
    static CachedIndex decode(String archive, byte[] value, int maxSuffix) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            for (byte m : MAGIC) {
                if (b.get() != m) {
                    throw new DesS3InvalidCacheValueException(archive, "not an index cache value (magic)", null);
                }
            }
            int flags = b.get() & 0xff;
            if ((flags & ~1) != 0) {
                throw new DesS3InvalidCacheValueException(archive, "unknown flags 0x" + Integer.toHexString(flags), null);
            }
            int etagLen = b.getShort() & 0xffff;
            byte[] etag = new byte[etagLen];
            b.get(etag);
            long fileSize = b.getLong();
            int suffixLen = b.getInt();
            if (suffixLen < DesFooter.SIZE || suffixLen > maxSuffix || suffixLen > fileSize) {
                throw new DesS3InvalidCacheValueException(archive, "suffix length " + suffixLen + " outside [72, " + maxSuffix
                        + "]", null);
            }
            byte[] suffix;
            if ((flags & 1) != 0) {
                suffix = inflate(archive, value, b.position(), value.length - b.position(), suffixLen);
            } else {
                if (b.remaining() != suffixLen) {
                    throw new DesS3InvalidCacheValueException(archive, "suffix is " + b.remaining() + " bytes, header says "
                            + suffixLen, null);
                }
                suffix = new byte[suffixLen];
                b.get(suffix);
            }
            DesFooter footer = DesFooter.parse(archive, fileSize,
                    ByteBuffer.wrap(suffix, suffixLen - DesFooter.SIZE, DesFooter.SIZE).slice());
            if (footer.tailLength() + DesFooter.SIZE != suffixLen) {
                throw new DesS3InvalidCacheValueException(archive, "suffix of " + suffixLen
                        + " bytes does not match the footer's "
                        + (footer.tailLength() + DesFooter.SIZE), null);
            }
            DesIndex index = DesIndex.parse(archive, footer, ByteBuffer.wrap(suffix, 0, suffixLen - DesFooter.SIZE));
            return new CachedIndex(new String(etag, StandardCharsets.UTF_8), index, suffix);
        } catch (DesS3InvalidCacheValueException e) {
            throw e;
        } catch (RuntimeException e) {   // BufferUnderflow, DesCorruptException, ...
            throw new DesS3InvalidCacheValueException(archive, e.toString(), e);
        }
    }

    private static byte[] deflate(byte[] in) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(in);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 3));
            byte[] buf = new byte[64 * 1024];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(String archive, byte[] in, int off, int len, int expected) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(in, off, len);
            byte[] out = new byte[expected];
            int n = 0;
            while (n < expected && !inf.finished()) {
                int k = inf.inflate(out, n, expected - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != expected || !inf.finished() || inf.getRemaining() != 0) {
                throw new DesS3InvalidCacheValueException(archive, "deflated suffix gives " + n + " bytes (or more), header says "
                        + expected,
                        null);
            }
            return out;
        } catch (DataFormatException e) {
            throw new DesS3InvalidCacheValueException(archive, "deflated suffix is damaged: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }
}
