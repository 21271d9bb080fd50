package io.stowage.sync.internal;

import io.stowage.s3.LocalFile;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Errors;
import io.stowage.s3.SkipPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;

/**
 * The uploader's skip decision for ledger claims: the ledger already decided (no listing); only a claim whose
 * {@link Recheck} asks for it costs a HEAD request, and is skipped when the store has it (same size, and same MD5 for
 * {@link Recheck#SAME_SIZE_AND_CHECKSUM} or with {@code verify_checksums}). Thread-safe: called from upload threads.
 */
final class LedgerSkipPolicy implements SkipPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerSkipPolicy.class);

    private final SyncRun run;
    private final Map<String, InFlight> rechecks;
    private final SkipPolicy sameSize = SkipPolicy.sameSize();
    private final SkipPolicy sameSizeAndChecksum;

    /** @param rechecks the claims to check against the store, by key (the others are uploaded) */
    LedgerSkipPolicy(SyncRun run, Map<String, InFlight> rechecks) {
        this.run = run;
        this.rechecks = rechecks;
        this.sameSizeAndChecksum = SkipPolicy.sameSizeAndChecksum(run.options);
    }

    @Override
    public boolean skip(LocalFile file, RemoteObject listed) throws IOException {
        InFlight f = rechecks.get(file.key());
        if (f == null) {
            return false;   // Recheck.NONE: the ledger knows the store lacks it
        }
        Recheck recheck = f.claim.recheck();
        RemoteObject r = head(file.key());
        if (r == null) {
            return false;
        }
        boolean skip = recheck == Recheck.SAME_SIZE_AND_CHECKSUM || run.config.verifyChecksums()
                ? sameSizeAndChecksum.skip(file, r) : sameSize.skip(file, r);
        if (skip) {
            f.storedETag = r.eTag();
        }
        return skip;
    }

    /** s3-io's HEAD (retried as the upload options say), or {@code null}: none, or it failed. */
    private RemoteObject head(String key) {
        run.counters.headRequests.incrementAndGet();
        try {
            return run.objects.head(run.target.bucket(), key).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("HEAD {} failed ({}); uploading it", key, S3Errors.describe(e));
            return null;
        }
    }

    @Override
    public boolean needsListing() {
        return false;
    }

    @Override
    public String toString() {
        return "ledger";
    }
}
