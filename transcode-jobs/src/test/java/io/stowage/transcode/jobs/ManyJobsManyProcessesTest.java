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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** 20 jobs from 3 users through 2 worker processes: all complete, verified, private, mailed with working links. */
class ManyJobsManyProcessesTest {
    @RegisterExtension
    static final JobsFixture.RedisKeys KEYS = JobsFixture.RedisKeys.of(ManyJobsManyProcessesTest.class);
    private static final String PREFIX = KEYS.prefix();
    private static final Pattern LINK = Pattern.compile("Download: (\\S+)");

    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path tmp;

    @Test
    void twentyJobsFromThreeUsersCompleteInTwoWorkerProcesses() throws Exception {
        TranscodeJobsConfig c = JobsFixture.config(PREFIX, S3.bucket());
        List<String> users = List.of("ann", "ben", "cat");
        List<Process> workers = new ArrayList<>();
        try (TranscodeService service = JobsFixture.service(c, S3.client())) {
            for (int i = 0; i < 2; i++) {
                workers.add(WorkerProcess.start(c.redisUrl(), PREFIX, S3.bucket(), S3.endpoint(),
                        MAIL.getSmtp().getPort(), 1, tmp.resolve("worker-" + i + ".log")));
            }
            Map<JobId, String> owner = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                String u = users.get(i % 3);
                JobView v = service.submit(u, JobsFixture.clip(1), "clip-" + i + ".mp4", "h264",
                        Optional.of(u + "@example.com"));
                owner.put(v.id(), u);
            }
            JobsFixture.await("20 jobs finished and mailed", Duration.ofMinutes(4), () -> owner.entrySet().stream()
                    .map(e -> service.status(e.getValue(), e.getKey()))
                    .allMatch(v -> v.state().isFinal() && v.notification() != NotificationState.PENDING));

            for (Map.Entry<JobId, String> e : owner.entrySet()) {
                JobView v = service.status(e.getValue(), e.getKey());
                assertThat(v.state()).as("job %s: %s", v.id(), v.error()).isEqualTo(JobState.COMPLETED);
                assertThat(v.notification()).isEqualTo(NotificationState.SENT);
                JobsFixture.Probe p = JobsFixture.ffprobe(JobsFixture.download(service.downloadUrl(v.user(), v.id()),
                        tmp.resolve(v.id() + ".mp4")));
                assertThat(p.video()).isTrue();
                assertThat(p.duration()).isBetween(0.5, 1.5);
            }
            for (String u : users) {
                JobPage page = service.history(u, 0, 100);
                assertThat(page.jobs()).extracting(JobView::user).containsOnly(u);
                assertThat(page.jobs()).extracting(JobView::id).containsExactlyInAnyOrderElementsOf(
                        owner.entrySet().stream().filter(e -> e.getValue().equals(u)).map(Map.Entry::getKey).toList());
                for (int i = 1; i < page.jobs().size(); i++) {
                    assertThat(page.jobs().get(i - 1).createdAt()).isAfterOrEqualTo(page.jobs().get(i).createdAt());
                }
            }
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "processed/")).hasSize(20);
            assertThat(JobsFixture.keys(S3.client(), S3.bucket(), "raw/")).isEmpty();

            MimeMessage[] mails = MAIL.getReceivedMessages();
            assertThat(mails).hasSize(20);
            Map<String, Integer> perUser = new HashMap<>();
            int checked = 0;
            for (MimeMessage m : mails) {
                String to = m.getAllRecipients()[0].toString();
                String u = to.substring(0, to.indexOf('@'));
                perUser.merge(u, 1, Integer::sum);
                String body = GreenMailUtil.getBody(m).replace("=\r\n", "").replace("=3D", "=");
                Matcher mm = LINK.matcher(body);
                assertThat(mm.find()).as(body).isTrue();
                assertThat(mm.group(1)).contains("/processed/" + u + "/");
                if (checked++ < 6) {
                    Path f = JobsFixture.download(URI.create(mm.group(1)), tmp.resolve("mail-" + checked + ".mp4"));
                    assertThat(JobsFixture.ffprobe(f).video()).isTrue();
                }
            }
            assertThat(perUser).containsEntry("ann", 7).containsEntry("ben", 7).containsEntry("cat", 6);
            QueueStats q = service.queueStats();
            assertThat(q.waiting() + q.claimed() + q.deadLetters()).isZero();
        } finally {
            for (Process p : workers) {
                p.destroy();
            }
            for (Process p : workers) {
                p.waitFor();
            }
        }
    }
}
