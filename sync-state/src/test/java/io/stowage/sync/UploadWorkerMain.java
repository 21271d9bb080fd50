package io.stowage.sync;

import io.stowage.s3.UploadOptions;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real worker process for the kill -9 and multi-worker tests: one ledgered upload, PUT keys appended to a log.
 * Args: state project source endpoint bucket prefix putLog putDelayMs claimTimeoutMs workers claimBatch.
 * Exit 0 when complete, 3 when some files failed.
 */
public final class UploadWorkerMain {
    private UploadWorkerMain() {}

    public static void main(String[] args) {
        String state = args[0];
        CountingS3 counter = new CountingS3(Path.of(args[6]), Long.parseLong(args[7]));
        SyncConfig config = SyncConfig.defaults().withProject(args[1], state).withSource(Path.of(args[2]))
                .withTarget(args[4], args[5]).withWorkers(Integer.parseInt(args[9]))
                .withClaims(Duration.ofMillis(Long.parseLong(args[8])), Integer.parseInt(args[10]));
        try (SyncLedger ledger = SyncLedger.open(state);
             S3Client s3 = CountingS3.client(URI.create(args[3]), counter)) {
            SyncReport r = SyncUploader.builder(ledger, s3).uploadOptions(UploadOptions.defaults()).build()
                    .upload(config);
            System.out.println("REPORT uploaded=" + r.files().uploaded() + " skipped=" + r.files().skipped() + " failed=" + r.files().failed()
                    + " heads=" + r.work().headRequests() + " puts=" + counter.count("PutObject"));
            System.out.flush();
            System.exit(r.isComplete() ? 0 : 3);
        }
    }
}
