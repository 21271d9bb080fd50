package io.stowage.examples;

import io.stowage.s3.EmbeddedS3;
import io.stowage.sync.ProjectStatus;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.SyncReport;
import io.stowage.sync.SyncUploader;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The ledgered upload on embedded defaults: a tree of small files uploaded to EmbeddedS3 with a SQLite ledger, the
 * re-run skipping everything from the ledger alone (no S3 request), one changed file uploaded alone, and the
 * project's status read back.
 *
 * <p>{@code new SyncDemo().run(Files.createTempDirectory("sync"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class SyncDemo implements DemoPipeline {
    static final int FILES = 60;

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public String description() {
        return "ledgered upload of " + FILES + " files (SQLite ledger), re-run skips all without S3 requests, "
                + "one changed file";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws IOException {
        Path photos = workDir.resolve("photos");
        for (int i = 0; i < FILES; i++) {
            Path f = photos.resolve("cam" + (i % 4)).resolve(String.format(Locale.ROOT, "IMG_%04d.jpg", i));
            Files.createDirectories(f.getParent());
            Files.writeString(f, "frame " + i + " " + "#".repeat(i % 97));
        }
        String state = workDir.resolve("stowage.db").toString();
        SyncConfig config = SyncConfig.defaults().withProject("photos", state).withSource(photos)
                .withTarget("demo", "day1").withWorkers(8);
        try (EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("store")).bucket("demo").start();
             S3Client s3 = store.settings().withMaxConnections(32).newClient();
             SyncLedger ledger = SyncLedger.open(state)) {
            out.println("  EmbeddedS3 at " + store.endpoint() + ", ledger " + ledger.where());
            SyncUploader uploader = SyncUploader.builder(ledger, s3).build();

            SyncReport first = uploader.upload(config);
            check(first.isComplete() && first.files().uploaded() == FILES, "first upload: " + first);
            out.printf(Locale.ROOT, "  upload:   %d files in %.2f s, session %d, %d ledger rows%n", first.files().uploaded(),
                    first.duration().toMillis() / 1000.0, first.sessionId(), first.work().ledgerRows());

            SyncReport again = uploader.upload(config);
            check(again.files().uploaded() == 0 && again.files().unchanged() == FILES && again.work().listRequests() == 0
                    && again.work().headRequests() == 0 && again.work().rounds() == 0,
                    "the re-run should skip everything from the ledger alone: " + again);
            out.printf(Locale.ROOT, "  re-run:   %d unchanged in %.2f s, no S3 request%n", again.files().unchanged(),
                    again.duration().toMillis() / 1000.0);

            Files.writeString(photos.resolve("cam1/IMG_0001.jpg"), "a retouched frame, longer than before");
            SyncReport changed = uploader.upload(config);
            check(changed.files().uploaded() == 1 && changed.files().changed() == 1, "one changed file: " + changed);
            out.printf(Locale.ROOT, "  changed:  %d file uploaded, %d unchanged%n", changed.files().uploaded(),
                    changed.files().unchanged());

            ProjectStatus st = ledger.status("photos");
            check(st.uploaded() == FILES && st.failed() == 0 && st.pending() == 0, "status: " + st);
            out.printf(Locale.ROOT, "  status:   uploaded %d, pending %d, failed %d, %d sessions%n", st.uploaded(),
                    st.pending(), st.failed(), ledger.sessions("photos", 10).size());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("sync demo check failed: " + what);
        }
    }
}
