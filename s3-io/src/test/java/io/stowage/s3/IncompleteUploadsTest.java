package io.stowage.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IncompleteUploadsTest {
    static EmbeddedS3 server;
    static S3Client s3;

    @BeforeAll
    static void start() {
        server = EmbeddedS3.builder().start();
        s3 = server.newClient();
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    @Test
    void listsAndAbortsStaleUploadsUnderThePrefixOnly() throws Exception {
        String bucket = S3TestFiles.newBucket(server, "stale");
        String a = s3.createMultipartUpload(b -> b.bucket(bucket).key("day1/a.mp4")).uploadId();
        s3.uploadPart(b -> b.bucket(bucket).key("day1/a.mp4").uploadId(a).partNumber(1),
                RequestBody.fromString("part"));
        s3.createMultipartUpload(b -> b.bucket(bucket).key("day1/sub/b.mp4"));
        s3.createMultipartUpload(b -> b.bucket(bucket).key("day2/c.mp4"));
        // "now" a minute ahead of the store's clock: the uploads just started are a minute old, no waiting
        IncompleteUploads day1 = IncompleteUploads.of(s3, S3Location.parse("s3://" + bucket + "/day1"),
                java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(1)));

        assertThat(day1.list(Duration.ofDays(1))).isEmpty();
        List<IncompleteUploads.Upload> stale = day1.list(Duration.ofSeconds(1));
        assertThat(stale).extracting(IncompleteUploads.Upload::key).containsExactlyInAnyOrder("day1/a.mp4",
                "day1/sub/b.mp4");
        IncompleteUploads.Result r = day1.abort(stale);
        assertThat(r.aborted()).hasSize(2);
        assertThat(r.failed()).isEmpty();
        assertThat(day1.list(Duration.ZERO)).isEmpty();
        assertThat(IncompleteUploads.of(s3, S3Location.parse("s3://" + bucket + "/day2")).list(Duration.ZERO))
                .hasSize(1);
    }
}
