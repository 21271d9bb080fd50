package io.stowage.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each example program runs end to end here, as {@code stowage demo} runs it: on embedded defaults (EmbeddedS3,
 * SQLite, the bundled ffmpeg) in a temporary folder. An example throws when one of its own checks fails, so a
 * passing test means every check of that pipeline held; the tests also pin a line of each summary.
 */
class ExamplesTest {
    @TempDir
    Path work;

    private String run(DemoPipeline p) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            p.run(work, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void desPacksAndReadsBackLocally() throws Exception {
        assertThat(run(new DesDemo())).isNotBlank();
    }

    @Test
    void desS3ReadsColdWithTwoRequestsAndWarmWithOne() throws Exception {
        assertThat(run(new DesS3Demo())).contains("cold 2 requests");
    }

    @Test
    void s3UploadsAndDownloadsAFolder() throws Exception {
        assertThat(run(new S3Demo())).isNotBlank();
    }

    @Test
    void syncReRunSkipsEverythingFromTheLedger() throws Exception {
        assertThat(run(new SyncDemo())).contains("no S3 request");
    }

    @Test
    void esSegmentsBecomeOneValidTs() throws Exception {
        assertThat(run(new EsTsDemo())).contains("byte-identical to the recording");
    }

    @Test
    void transcodeMakesAVerifiedMp4AndAThumbnail() throws Exception {
        assertThat(run(new TranscodeDemo())).contains("thumbnail-jpg");
    }

    @Test
    void archivePlansArchivesAndCleansUpACameraFolder() throws Exception {
        assertThat(run(new ArchiveDemo())).contains("archive: complete, 4 transcoded").contains("cleanup --age 30d: 1 deleted");
    }

    @Test
    void cameraSiteChainsFetchTranscodePackUploadAndReadBack() throws Exception {
        assertThat(run(new CameraSiteDemo())).contains("identical");
    }

    @Test
    void desIngestPacksASqliteSourceAndServeDesFetchesAFileByName() throws Exception {
        assertThat(run(new DesIngestDemo())).contains("packer: " + DesIngestDemo.FILES + " files")
                .contains("byte-identical to the original");
    }

    @Test
    void transcodeJobsSubmitsAndAWorkerCompletesAndTheDownloadIsTheClip() throws Exception {
        assertThat(run(new TranscodeJobsDemo())).contains("COMPLETED in").contains("s of video");
    }

    @Test
    void transcodeServiceTakesAnUploadOverHttpAndServesTheVerifiedResult() throws Exception {
        assertThat(run(new TranscodeServiceDemo())).contains("-> COMPLETED").contains("ffprobe: ");
    }

    @Test
    void theDemoRunsEveryExampleUnderItsOwnName() {
        assertThat(Demos.all()).extracting(DemoPipeline::name)
                .containsExactly("des", "des-s3", "s3", "sync", "es", "transcode", "archive", "camera-site",
                        "des-ingest", "transcode-jobs", "transcode-service");
    }
}
