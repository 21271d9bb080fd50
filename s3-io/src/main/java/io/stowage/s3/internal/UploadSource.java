package io.stowage.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.zip.CRC32C;

/**
 * Reading the local file of an upload: its attributes, the check that it did not change, its bytes and MD5s, each
 * failure turned into a {@link LocalFileException} (not retried) or a {@link ChangedDuringTransferException} (tried
 * again later). Stateless.
 */
final class UploadSource {
    private UploadSource() {}

    static String describeLocal(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + e.getMessage() + " (deleted while uploading?)";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        return "cannot read: " + e;
    }

    static BasicFileAttributes stat(Path p) throws LocalFileException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new LocalFileException(p + " is no longer a regular file", null);
            }
            return a;
        } catch (IOException e) {
            throw new LocalFileException(describeLocal(e), e);
        }
    }

    static void checkUnchanged(Path p, long size, FileTime mtime) throws LocalFileException,
            ChangedDuringTransferException {
        BasicFileAttributes now = stat(p);
        if (now.size() != size || !now.lastModifiedTime().equals(mtime)) {
            throw new ChangedDuringTransferException("size " + size + " -> " + now.size() + ", modified "
                    + mtime + " -> " + now.lastModifiedTime());
        }
    }

    static byte[] readExactly(Path p, long size) throws LocalFileException, ChangedDuringTransferException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes((int) size);
            if (bytes.length != size || in.read() >= 0) {
                throw new ChangedDuringTransferException("size changed from " + size + " while reading");
            }
            return bytes;
        } catch (ChangedDuringTransferException e) {
            throw e;
        } catch (IOException e) {
            throw new LocalFileException(describeLocal(e), e);
        }
    }

    static byte[] md5(Path p, long offset, long length, CRC32C alsoCrc) throws LocalFileException,
            ChangedDuringTransferException {
        try {
            return Md5s.ofFile(p, offset, length, alsoCrc);
        } catch (ChangedDuringTransferException e) {
            throw e;
        } catch (IOException e) {
            throw new LocalFileException(describeLocal(e), e);
        }
    }

    /** A stream of the range, for an SDK request body (which takes no checked exceptions). */
    static InputStream open(Path p, long offset, long length) {
        try {
            return new RangeInputStream(p, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The local cause of a failed request body: a changed file (tried again later) or a local read failure. */
    static Exception local(DirectS3.BodyReadException e) {
        IOException c = e.getCause();
        if (c instanceof ChangedDuringTransferException changed) {
            return changed;
        }
        return new LocalFileException(describeLocal(c), c);
    }
}
