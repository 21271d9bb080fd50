package io.stowage.sync;

import io.stowage.s3.S3Settings;
import io.stowage.s3.UploadOptions;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real worker process for the kill -9 and multi-worker tests: one ledgered upload through a plain client (no
 * interceptor), so s3-io takes the path it takes for the command line: the direct HTTP path, or the SDK's with
 * {@code -Dstowage.s3.direct=false}. What reaches the store is counted on the wire ({@link WireLog}).
 * Args: state project source endpoint bucket prefix claimTimeoutMs workers claimBatch.
 * Prints {@code PATH=direct|sdk} first; exit 0 when complete, 3 when some files failed.
 */
public final class UploadWorkerMain {
    private UploadWorkerMain() {}

    /** Whether s3-io takes its direct path for this client (asked of its internal class: this runs on the class path). */
    static boolean direct(S3Client s3) {
        try {
            java.lang.reflect.Method m = Class.forName("io.stowage.s3.internal.DirectS3").getMethod("forClient",
                    S3Client.class, int.class);
            m.setAccessible(true);
            Object o = m.invoke(null, s3, 4);
            return ((java.util.Optional<?>) o).isPresent();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("s3-io's DirectS3.forClient is not there any more: " + e, e);
        }
    }

    public static void main(String[] args) {
        String state = args[0];
        SyncConfig config = SyncConfig.defaults().withProject(args[1], state).withSource(Path.of(args[2]))
                .withTarget(args[4], args[5]).withWorkers(Integer.parseInt(args[7]))
                .withClaims(Duration.ofMillis(Long.parseLong(args[6])), Integer.parseInt(args[8]));
        try (SyncLedger ledger = SyncLedger.open(state);
             S3Client s3 = S3Settings.forEndpoint(URI.create(args[3])).withCredentials("stowage", "stowage")
                     .newClient()) {
            System.out.println("PATH=" + (direct(s3) ? "direct" : "sdk"));
            System.out.flush();
            SyncReport r = SyncUploader.builder(ledger, s3).uploadOptions(UploadOptions.defaults()).build()
                    .upload(config);
            System.out.println("REPORT uploaded=" + r.files().uploaded() + " skipped=" + r.files().skipped()
                    + " failed=" + r.files().failed() + " heads=" + r.work().headRequests());
            System.out.flush();
            System.exit(r.isComplete() ? 0 : 3);
        }
    }
}
