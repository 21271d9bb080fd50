package io.stowage.des.s3;

import io.stowage.des.DesEntry;
import io.stowage.des.DesException;
import io.stowage.des.DesIoException;
import io.stowage.des.DesPayloads;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesReadPlan;
import io.stowage.des.DesUnsupportedException;
import io.stowage.des.DesVerifyReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link S3DesReader#verify()} against one index: every payload read with few requests (DATA in ranged GETs of up to
 * {@link DesReadOptions#maxMergedRead()} bytes, whatever the gaps; bigger entries and external objects streamed), each
 * failed entry one problem, in index order. An archive replaced during the run ({@link DesS3ArchiveChangedException})
 * is not a problem of an entry: it propagates, so the reader reloads the index and verifies again.
 *
 * <p>Stateless and thread-safe.
 */
final class S3ArchiveVerifier {
    private S3ArchiveVerifier() {
    }

    static DesVerifyReport verify(S3DesReader reader, CachedIndex c, ObjectRanges ranges) {
        String name = reader.name();
        DesReadOptions options = reader.options();
        long bytes = 0;
        int checksummed = 0;
        List<DesEntry> internal = new ArrayList<>();
        Map<DesEntry, DesVerifyReport.Problem> byEntry = new HashMap<>();
        for (DesEntry e : c.index().entries()) {
            if (e.hasCrc32c()) {
                checksummed++;
            }
            if (!e.isSupported()) {
                byEntry.put(e, DesVerifyReport.Problem.of(e.name(), new DesUnsupportedException(name, e.name(),
                        e.flags())));
            } else if (e.isExternal() || e.size() > options.maxMergedRead()) {
                try (InputStream in = reader.openRecord(c, e)) {
                    bytes += in.transferTo(OutputStream.nullOutputStream());
                } catch (DesS3ArchiveChangedException ex) {
                    throw ex;
                } catch (DesException ex) {
                    byEntry.put(e, DesVerifyReport.Problem.of(e.name(), ex));
                } catch (IOException | UncheckedIOException ex) {
                    IOException io = ex instanceof IOException i ? i : ((UncheckedIOException) ex).getCause();
                    String what = e.isExternal() ? "external entry '" : "'";
                    byEntry.put(e, DesVerifyReport.Problem.of(e.name(), new DesIoException(name, name
                            + ": cannot read " + what + e.name() + "'", io)));
                }
            } else if (e.size() > 0) {
                internal.add(e);
            } else {
                try {   // an empty payload has a checksum too (00000000): check it like a local verify does
                    DesPayloads.checkCrc(name, e, new byte[0], 0, 0, options.verifyChecksums());
                } catch (DesException ex) {
                    byEntry.put(e, DesVerifyReport.Problem.of(e.name(), ex));
                }
            }
        }
        for (DesReadPlan.Read r : DesReadPlan.plan(internal, Long.MAX_VALUE / 4, options.maxMergedRead())) {
            byte[] block;
            try {
                block = ranges.range(r.start(), (int) r.length(), c.etag(), "payloads at offset " + r.start())
                        .bytes();
            } catch (DesS3ArchiveChangedException ex) {
                throw ex;
            } catch (DesException ex) {
                for (DesEntry e : r.entries()) {
                    byEntry.put(e, DesVerifyReport.Problem.of(e.name(), ex));
                }
                continue;
            }
            for (DesEntry e : r.entries()) {
                try {
                    DesPayloads.checkCrc(name, e, block, r.offsetOf(e), (int) e.size(), options.verifyChecksums());
                    bytes += e.size();
                } catch (DesException ex) {
                    byEntry.put(e, DesVerifyReport.Problem.of(e.name(), ex));
                }
            }
        }
        List<DesVerifyReport.Problem> problems = new ArrayList<>();
        for (DesEntry e : c.index().entries()) {
            DesVerifyReport.Problem p = byEntry.get(e);
            if (p != null) {
                problems.add(p);
            }
        }
        return new DesVerifyReport(name, c.index().size(), bytes, checksummed, c.index().footer().hasCrc32c(),
                problems);
    }
}
