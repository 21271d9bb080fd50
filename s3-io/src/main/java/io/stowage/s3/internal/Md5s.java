package io.stowage.s3.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** MD5 of files and ranges (the ETag rules are {@link io.stowage.s3.ETags}). Stateless and thread-safe. */
public final class Md5s {
    private static final int BUFFER = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

    private Md5s() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    /** MD5 of {@code length} bytes at {@code offset}; fails if the file is shorter. */
    public static byte[] ofFile(Path file, long offset, long length) throws IOException {
        return ofFile(file, offset, length, null);
    }

    /** MD5 of {@code length} bytes at {@code offset}, also fed to {@code alsoCrc} (when not null) in the same pass. */
    public static byte[] ofFile(Path file, long offset, long length, java.util.zip.Checksum alsoCrc)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ofChannel(ch, offset, length, file, alsoCrc);
        }
    }

    public static byte[] ofChannel(FileChannel ch, long offset, long length, Path file) throws IOException {
        return ofChannel(ch, offset, length, file, null);
    }

    private static byte[] ofChannel(FileChannel ch, long offset, long length, Path file,
                                    java.util.zip.Checksum alsoCrc) throws IOException {
        MessageDigest md = newDigest();
        ByteBuffer buf = BUFFERS.get();
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            buf.clear();
            if (end - pos < buf.capacity()) {
                buf.limit((int) (end - pos));
            }
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new ChangedDuringTransferException(file + " ended at byte " + pos + " while " + end
                        + " were expected");
            }
            buf.flip();
            if (alsoCrc != null) {
                alsoCrc.update(buf.duplicate());
            }
            md.update(buf);
            pos += n;
        }
        return md.digest();
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }

    /** The ETag S3 gives a multipart upload: MD5 of the concatenated part MD5s, a dash and the part count. */
    public static String multipartETag(byte[][] partMd5s) {
        MessageDigest md = newDigest();
        for (byte[] p : partMd5s) {
            md.update(p);
        }
        return hex(md.digest()) + "-" + partMd5s.length;
    }

    /** The multipart ETag a file would get with this part size. */
    public static String multipartETag(Path file, long size, long partSize) throws IOException {
        int parts = (int) ((size + partSize - 1) / partSize);
        byte[][] md5s = new byte[parts][];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < parts; i++) {
                long off = i * partSize;
                md5s[i] = ofChannel(ch, off, Math.min(partSize, size - off), file);
            }
        }
        return multipartETag(md5s);
    }
}
