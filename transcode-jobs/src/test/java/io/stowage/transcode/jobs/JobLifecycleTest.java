package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.stowage.testing.EmbeddedS3Extension;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One job from submit to download link and email, in one process; cancel, delete, expiry, a failing SMTP server. */
class JobLifecycleTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(JobLifecycleTest.class);
    private static final String PREFIX = KEYS.prefix();

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path tmp;

    private TranscodeJobsConfig config(String sub) {
        return JobsFixture.config(PREFIX + sub + ":", S3.bucket());
    }

    private Notifier mail() {
        return Notifier.smtp(MailSettings.of(URI.create("smtp://127.0.0.1:" + MAIL.getSmtp().getPort()),
                "jobs@stowage.test"));
    }

    @Test
    void submittedJobCompletesWithVerifiedOutputLinkAndEmail() throws Exception {
        TranscodeJobsConfig c = config("done");
        try (TranscodeService service = JobsFixture.service(c, S3.client());
             TranscodeWorker worker = JobsFixture.worker(c, S3.client()).notifier(mail()).build()) {
            JobView submitted = service.submit("alice", JobsFixture.clip(2), "../../holiday clip.mp4", "h264",
                    Optional.of("alice@example.com"));
            assertThat(submitted.state()).isEqualTo(JobState.PENDING);
            assertThat(submitted.inputKey()).isEqualTo("raw/alice/" + submitted.id() + "/holiday_clip.mp4");
            assertThatThrownBy(() -> service.downloadUrl("alice", submitted.id()))
                    .isInstanceOf(TranscodeJobsNotReadyException.class);
            worker.start();
            JobsFixture.await("COMPLETED", Duration.ofSeconds(90),
                    () -> service.status("alice", submitted.id()).state().isFinal()
                            && service.status("alice", submitted.id()).notification() != NotificationState.PENDING);
            JobView done = service.status("alice", submitted.id());
            assertThat(done.state()).as("error: %s", done.error()).isEqualTo(JobState.COMPLETED);
            assertThat(done.percent()).isEqualTo(100.0);
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.encoder()).isNotBlank();
            assertThat(done.outputKey()).isEqualTo("processed/alice/" + done.id() + "/holiday_clip.mp4");
            assertThat(done.notification()).isEqualTo(NotificationState.SENT);
            assertThat(done.inputRemoved()).isTrue();
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "raw/")).isEmpty();
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).containsExactly(done.outputKey());

            Path out = JobsFixture.download(service.downloadUrl("alice", done.id()), tmp.resolve("out.mp4"));
            JobsFixture.Probe p = JobsFixture.ffprobe(out);
            assertThat(p.video()).isTrue();
            assertThat(p.duration()).isBetween(1.5, 2.5);

            MimeMessage[] mails = MAIL.getReceivedMessages();
            assertThat(mails).hasSize(1);
            assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo("alice@example.com");
            String body = GreenMailUtil.getBody(mails[0]);
            Matcher m = Pattern.compile("Download: (\\S+)").matcher(body.replace("=\r\n", "").replace("=3D", "="));
            assertThat(m.find()).as(body).isTrue();
            Path viaMail = JobsFixture.download(URI.create(m.group(1)), tmp.resolve("mail.mp4"));
            assertThat(JobsFixture.ffprobe(viaMail).video()).isTrue();

            assertThat(service.history("alice", 0, 10).jobs()).extracting(JobView::id).containsExactly(done.id());
            assertThat(service.history("bob", 0, 10).jobs()).isEmpty();
            assertThatThrownBy(() -> service.status("bob", done.id()))
                    .isInstanceOf(TranscodeJobsNotFoundException.class);

            service.delete("alice", done.id());
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).isEmpty();
            assertThatThrownBy(() -> service.status("alice", done.id()))
                    .isInstanceOf(TranscodeJobsNotFoundException.class);
            assertThat(service.history("alice", 0, 10).total()).isZero();
        }
    }

    @Test
    void cancelStopsARunningTranscodeAndLeavesNoOutput() throws Exception {
        TranscodeJobsConfig c = config("cancel").withKeepRawInput(false);
        try (TranscodeService service = JobsFixture.service(c, S3.client());
             TranscodeWorker worker = JobsFixture.worker(c, S3.client()).build().start()) {
            Path big = JobsFixture.media().cached(io.stowage.testing.core.MediaSpec.mp4(60).withSize(640, 360));
            JobView j = service.submit("carol", big, "long.mp4", "h265", Optional.empty());
            JobsFixture.await("PROCESSING with progress", Duration.ofSeconds(60),
                    () -> service.status("carol", j.id()).percent() > 0);
            JobView after = service.cancel("carol", j.id());
            assertThat(after.cancelRequested()).isTrue();
            JobsFixture.await("CANCELLED", Duration.ofSeconds(30),
                    () -> service.status("carol", j.id()).state() == JobState.CANCELLED);
            JobsFixture.await("worker idle", Duration.ofSeconds(30), () -> worker.activeJobs() == 0);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).isEmpty();
            assertThat(service.queueStats().claimed()).isZero();
        }
    }

    @Test
    void cancelOfAPendingJobNeverRunsIt() throws Exception {
        TranscodeJobsConfig c = config("pending");
        try (TranscodeService service = JobsFixture.service(c, S3.client())) {
            JobView j = service.submit("dave", JobsFixture.clip(1), "a.mp4", "h264", Optional.empty());
            assertThat(service.cancel("dave", j.id()).state()).isEqualTo(JobState.CANCELLED);
            try (TranscodeWorker worker = JobsFixture.worker(c, S3.client()).build().start()) {
                JobsFixture.await("queue drained", Duration.ofSeconds(30),
                        () -> service.queueStats().waiting() == 0 && service.queueStats().claimed() == 0);
            }
            JobView v = service.status("dave", j.id());
            assertThat(v.state()).isEqualTo(JobState.CANCELLED);
            assertThat(v.attempts()).isZero();
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).isEmpty();
        }
    }

    @Test
    void failedNotificationIsRecordedAndNeverFailsTheJob() throws Exception {
        TranscodeJobsConfig c = config("nomail");
        Notifier deadSmtp = Notifier.smtp(MailSettings.of(URI.create("smtp://127.0.0.1:1"), "jobs@stowage.test")
                .withTimeout(Duration.ofSeconds(2)));
        try (TranscodeService service = JobsFixture.service(c, S3.client());
             TranscodeWorker worker = JobsFixture.worker(c, S3.client()).notifier(deadSmtp).build().start()) {
            JobView j = service.submit("erin", JobsFixture.clip(1), "a.mp4", "h264", Optional.of("erin@example.com"));
            JobsFixture.await("notice outcome", Duration.ofSeconds(90),
                    () -> service.status("erin", j.id()).notification() == NotificationState.FAILED);
            JobView v = service.status("erin", j.id());
            assertThat(v.state()).isEqualTo(JobState.COMPLETED);
            assertThat(v.notificationError()).contains("attempt 3");
            assertThat(service.queueStats().claimed()).isZero();
        }
    }

    @Test
    void finishedJobsExpireWithTheirObjects() throws Exception {
        TranscodeJobsConfig c = config("expire").withRetention(Duration.ofSeconds(2)).withKeepRawInput(true);
        try (TranscodeService service = JobsFixture.service(c, S3.client());
             TranscodeWorker worker = JobsFixture.worker(c, S3.client()).build().start()) {
            JobView j = service.submit("frank", JobsFixture.clip(1), "a.mp4", "h264", Optional.empty());
            JobsFixture.await("COMPLETED", Duration.ofSeconds(90),
                    () -> service.store().find("frank", j.id()).map(v -> v.state() == JobState.COMPLETED)
                            .orElse(true));
            JobsFixture.await("objects swept", Duration.ofSeconds(30),
                    () -> JobsFixture.keys(S3.client(), S3.bucket(), "").isEmpty());
            // the sweeper deletes the objects first, then the job and its index entries: wait for the second step
            JobsFixture.await("job removed", Duration.ofSeconds(30),
                    () -> service.store().countByState().values().stream().allMatch(n -> n == 0));
            assertThat(service.store().find("frank", j.id())).isEmpty();
            assertThat(service.history("frank", 0, 10).total()).isZero();
            assertThat(service.store().countByState().values()).allMatch(n -> n == 0);
        }
    }
}
