package io.stowage.cli;

import io.stowage.s3.IncompleteUploads;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferReport;
import io.stowage.sync.TriggerReport;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.StreamInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact text of JSON documents (and their parts) that no command test reaches: field names, order, what is
 * left out, nulls. They were hand-built maps before; these pin what those maps wrote.
 */
class JsonDocumentsTest {
    private static final Instant T = Instant.parse("2025-01-01T12:00:00.123456Z");

    private static String json(Object o) throws Exception {
        return Output.JSON.writeValueAsString(o);
    }

    private static TransferReport report() {
        return new TransferReport(2, 1, 1, 300, 100, 4, 1, T, Duration.ofMillis(1500), false,
                List.of(new TransferReport.Failure("a/b.txt", "a/b.txt", "boom")),
                List.of(new TransferReport.Failure("link", "link", "a link, not followed")));
    }

    @Test
    void uploadReportNamesFilesByPathAndDownloadByKey() throws Exception {
        assertThat(json(S3Json.Transfer.upload(report(), "dir", "s3://b/p"))).isEqualTo("{\"source\":\"dir\","
                + "\"target\":\"s3://b/p\",\"uploaded\":2,\"skipped\":1,\"failed\":1,\"bytes_uploaded\":300,"
                + "\"bytes_skipped\":100,\"retries\":4,\"list_requests\":1,\"started_at\":\"2025-01-01T12:00:00.123Z\","
                + "\"duration_s\":1.5,\"files_per_s\":2.0,\"bytes_per_s\":200,\"cancelled\":false,"
                + "\"failures\":[{\"path\":\"a/b.txt\",\"reason\":\"boom\"}],"
                + "\"ignored\":[{\"path\":\"link\",\"reason\":\"a link, not followed\"}]}");
        assertThat(json(S3Json.Transfer.download(report(), "s3://b/p", "dir"))).isEqualTo("{\"source\":\"s3://b/p\","
                + "\"target\":\"dir\",\"downloaded\":2,\"skipped\":1,\"failed\":1,\"bytes_downloaded\":300,"
                + "\"bytes_skipped\":100,\"retries\":4,\"list_requests\":1,\"started_at\":\"2025-01-01T12:00:00.123Z\","
                + "\"duration_s\":1.5,\"files_per_s\":2.0,\"bytes_per_s\":200,\"cancelled\":false,"
                + "\"failures\":[{\"key\":\"a/b.txt\",\"reason\":\"boom\"}],"
                + "\"ignored\":[{\"key\":\"link\",\"reason\":\"a link, not followed\"}]}");
    }

    @Test
    void cleanupListsUploadsAndFailures() throws Exception {
        S3Location loc = S3Location.parse("s3://media/day1");
        List<IncompleteUploads.Upload> found = List.of(new IncompleteUploads.Upload("day1/big.mp4", "u1", T),
                new IncompleteUploads.Upload("day1/other.mp4", "u2", null));
        IncompleteUploads.AbortReport r = new IncompleteUploads.AbortReport(found.subList(0, 1),
                List.of(new TransferReport.Failure("other.mp4", "day1/other.mp4", "403")));
        assertThat(json(S3Json.Cleanup.of(loc, Duration.ofDays(1), false, found, r))).isEqualTo(
                "{\"target\":\"s3://media/day1/\",\"older_than_s\":86400,\"dry_run\":false,\"found\":2,\"aborted\":1,"
                        + "\"uploads\":[{\"key\":\"big.mp4\",\"upload_id\":\"u1\","
                        + "\"initiated\":\"2025-01-01T12:00:00.123456Z\"},"
                        + "{\"key\":\"other.mp4\",\"upload_id\":\"u2\",\"initiated\":null}],"
                        + "\"failures\":[{\"key\":\"other.mp4\",\"reason\":\"403\"}]}");
    }

    @Test
    void serveUnpackDemoAndErrorDocuments() throws Exception {
        assertThat(json(new S3Json.Serve("http://127.0.0.1:9000", 9000, "/s", List.of("media"), true)))
                .isEqualTo("{\"endpoint\":\"http://127.0.0.1:9000\",\"port\":9000,\"dir\":\"/s\","
                        + "\"buckets\":[\"media\"],\"authentication\":true}");
        assertThat(json(new DesJson.Unpacked(1, 1, 5, List.of(new DesJson.NameFailure("..", "unsafe name")))))
                .isEqualTo("{\"written\":1,\"failed_count\":1,\"bytes\":5,"
                        + "\"failed\":[{\"name\":\"..\",\"reason\":\"unsafe name\"}]}");
        assertThat(json(new DemoCommand.Summary(false, 1.25, List.of(
                new DemoCommand.PipelineReport("des", true, null, 0.5),
                new DemoCommand.PipelineReport("s3", false, "java.io.IOException: x", 0.75)))))
                .isEqualTo("{\"ok\":false,\"duration_s\":1.25,\"pipelines\":[{\"name\":\"des\",\"ok\":true,"
                        + "\"duration_s\":0.5},{\"name\":\"s3\",\"ok\":false,\"error\":\"java.io.IOException: x\","
                        + "\"duration_s\":0.75}]}");
        assertThat(json(new Output.ErrorDocument(new Output.ErrorBody("CliUsageException", "bad"))))
                .isEqualTo("{\"error\":{\"type\":\"CliUsageException\",\"message\":\"bad\"}}");
    }

    @Test
    void triggerOutcomeKeepsItsNulls() throws Exception {
        TriggerReport t = new TriggerReport("http://h/x", TriggerReport.Status.FAILED, 3, null, "refused", T);
        assertThat(json(SyncJson.Trigger.of(t))).isEqualTo("{\"url\":\"http://h/x\",\"status\":\"failed\","
                + "\"attempts\":3,\"http_status\":null,\"error\":\"refused\",\"at\":\"2025-01-01T12:00:00.123456Z\"}");
        assertThat(json(SyncJson.TriggerDocument.of(7, t))).startsWith("{\"session_id\":7,\"url\":\"http://h/x\"");
    }

    @Test
    void mediaStreamsCarryTheFieldsOfTheirKind() throws Exception {
        MediaInfo m = new MediaInfo(Path.of("a.mp4"), "mov", "QuickTime / MOV", null, 1000, 8000, List.of(
                new StreamInfo(0, StreamInfo.Type.VIDEO, "h264", "High", 160, 120, 10.0001, null, 0, 0, 5000, 2.0,
                        false),
                new StreamInfo(1, StreamInfo.Type.AUDIO, "aac", "LC", 0, 0, 0, null, 44100, 1, 3000, Double.NaN,
                        false),
                new StreamInfo(2, StreamInfo.Type.DATA, "bin_data", "", 0, 0, 0, null, 0, 0, 0, Double.NaN, false)));
        assertThat(json(TranscodeJson.Media.of(m))).isEqualTo("{\"path\":\"a.mp4\",\"format\":\"mov\","
                + "\"format_long_name\":\"QuickTime / MOV\",\"duration_s\":null,\"size\":1000,\"bit_rate\":8000,"
                + "\"streams\":[{\"index\":0,\"type\":\"video\",\"codec\":\"h264\",\"profile\":\"High\",\"width\":160,"
                + "\"height\":120,\"frame_rate\":10.0,\"pixel_format\":null,\"bit_rate\":5000,\"duration_s\":2.0},"
                + "{\"index\":1,\"type\":\"audio\",\"codec\":\"aac\",\"profile\":\"LC\",\"sample_rate\":44100,"
                + "\"channels\":1,\"bit_rate\":3000,\"duration_s\":null},"
                + "{\"index\":2,\"type\":\"data\",\"codec\":\"bin_data\",\"profile\":\"\",\"bit_rate\":0,"
                + "\"duration_s\":null}]}");
    }
}
