package io.stowage.examples;

import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.des.s3.S3DesReader;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsToTsParser;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.S3Objects;
import io.stowage.s3.StreamUploadOptions;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncLedger;
import io.stowage.sync.SyncReport;
import io.stowage.sync.SyncUploader;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.TranscodeReport;
import io.stowage.transcode.Transcoder;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The modules chained the way a camera site uses them, on embedded defaults:
 * <ol>
 * <li>the recorder's ES segments (bundled from {@code test-vectors/es-segments}) lie in S3; 8 s of them are fetched
 * into one MPEG-TS ({@link EsToTsParser});</li>
 * <li>the TS is transcoded with the {@code camera-archive} preset (H.265 + AAC mono, verified output) and a JPG
 * snapshot is made ({@link Transcoder});</li>
 * <li>the clip and the snapshot are packed into one DES archive, with their camera and time as metadata
 * ({@link DesWriter});</li>
 * <li>the archive folder is uploaded with the ledgered {@link SyncUploader} (SQLite ledger), and a re-run uploads
 * nothing;</li>
 * <li>the clip is read back from the uploaded archive with ranged GETs ({@link S3DesReader}) and compared byte for
 * byte with the local one.</li>
 * </ol>
 *
 * <p>{@code new CameraSiteDemo().run(Files.createTempDirectory("site"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class CameraSiteDemo implements DemoPipeline {
    @Override
    public String name() {
        return "camera-site";
    }

    @Override
    public String description() {
        return "ES segments -> TS -> camera-archive transcode -> DES pack -> ledgered upload -> read back from S3";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        Instant from = Instant.parse("2025-01-01T12:00:00Z");
        Instant to = Instant.parse("2025-01-01T12:00:08Z");
        try (EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("s3")).bucket("site").start();
             S3Client s3 = store.settings().withMaxConnections(16).newClient();
             Transcoder t = Transcoder.create()) {
            // 1. the recorder's segments in S3 (site/segments/cam-01/DDMMYYYY/HH/...), 8 s fetched into one TS
            S3Objects objects = S3Objects.create(s3);
            for (String key : EsTsDemo.segmentKeys()) {
                objects.put("site", "segments/cam-01/" + key,
                        new ByteArrayInputStream(EsTsDemo.resource("segments/" + key)), StreamUploadOptions.defaults());
            }
            Path ts = workDir.resolve("fetched/cam-01.ts");
            Files.createDirectories(ts.getParent());
            EsFetchReport fetched = EsToTsParser.create(EsSegmentStore.s3(s3, "site", "segments/cam-01"),
                    EsFetchOptions.defaults().withWorkers(4)).fetch(from, to, ts);
            check(fetched.complete(), "fetch: " + fetched);
            out.printf(Locale.ROOT, "  fetch:     %s .. %s from %s: %d records, %d bytes of TS%n", from, to,
                    store.endpoint(), fetched.records(), fetched.bytesWritten());

            // 2. transcoded for long retention, plus a snapshot; the Transcoder verifies each output
            Path site = workDir.resolve("site/2025-01-01");
            Files.createDirectories(site);
            Path clip = workDir.resolve("clips/cam-01_20250101120000.mp4");
            Path snapshot = workDir.resolve("clips/cam-01_20250101120000.jpg");
            TranscodeReport archived = t.transcode(ts, clip, "camera-archive");
            t.transcode(clip, snapshot, "thumbnail-jpg");
            MediaInfo info = archived.outputInfo();
            check(info.video().map(v -> v.codec().equals("hevc")).orElse(false), "the archive preset makes H.265");
            out.printf(Locale.ROOT, "  transcode: %d -> %d bytes (%s via %s), %.1f s of video; snapshot %d bytes%n",
                    Files.size(ts), archived.outputSize(), info.video().get().codec(), archived.videoEncoder(),
                    info.durationSeconds(), Files.size(snapshot));

            // 3. one DES archive per camera and day: the clip and its snapshot, with metadata
            Path des = site.resolve("cam-01.des");
            DesWriteReport packed;
            try (DesWriter w = DesWriter.builder(des).build()) {
                Map<String, Object> meta = Map.of("camera", "cam-01", "from", from.toString(), "to", to.toString());
                w.add(clip.getFileName().toString(), clip, meta);
                w.add(snapshot.getFileName().toString(), snapshot, meta);
                packed = w.finish();
            }
            out.printf(Locale.ROOT, "  pack:      %d entries -> %s (%d bytes)%n", packed.entries(),
                    workDir.relativize(des), Files.size(des));

            // 4. the site folder uploaded with the ledger; a second run finds nothing to do
            String state = workDir.resolve("stowage.db").toString();
            SyncConfig config = SyncConfig.defaults().withProject("cam-site", state)
                    .withSource(workDir.resolve("site")).withTarget("site", "archive");
            try (SyncLedger ledger = SyncLedger.open(state)) {
                SyncUploader uploader = SyncUploader.builder(ledger, s3).build();
                SyncReport up = uploader.upload(config);
                SyncReport again = uploader.upload(config);
                check(up.isComplete() && up.files().uploaded() == 1 && again.files().uploaded() == 0,
                        "upload: " + up + "; re-run: " + again);
                out.printf(Locale.ROOT, "  upload:    %d file (session %d, %s); re-run: %d unchanged, nothing sent%n",
                        up.files().uploaded(), up.sessionId(), ledger.where(), again.files().unchanged());
            }

            // 5. the clip read back from S3 with ranged GETs: the same bytes as the local clip
            try (S3DesReader reader = S3DesReader.builder(s3, "site", "archive/2025-01-01/cam-01.des").open()) {
                ByteBuffer back = reader.read(clip.getFileName().toString());
                byte[] got = new byte[back.remaining()];
                back.get(got);
                check(Arrays.equals(got, Files.readAllBytes(clip)), "the clip read back from S3 differs");
                out.printf(Locale.ROOT, "  read back: %s from s3://site/archive/2025-01-01/cam-01.des, %d bytes in %d"
                        + " requests, identical%n", clip.getFileName(), got.length, reader.stats().requests());
            }
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("camera-site demo check failed: " + what);
        }
    }
}
