package io.stowage.examples;

import io.stowage.s3.EmbeddedS3;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.jobs.JobState;
import io.stowage.transcode.jobs.JobView;
import io.stowage.transcode.jobs.TranscodeJobsConfig;
import io.stowage.transcode.jobs.TranscodeService;
import io.stowage.transcode.jobs.TranscodeWorker;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The queued transcoding service as a library ({@code transcode-jobs}): a generated 2 s clip is submitted to
 * {@link TranscodeService} (streamed to S3, probed, queued in Redis), one {@link TranscodeWorker} in this process
 * transcodes it with the {@code web-mp4} preset, the status is polled until COMPLETED, and the output is downloaded
 * through its presigned link and probed. Checks: the job completes, its history lists it, the download is a video of
 * the clip's duration. Needs Redis ({@code STOWAGE_REDIS}, else {@code redis://127.0.0.1:6379}); without one it
 * says how to start one and is skipped. Its Redis keys live under a fresh {@code stowage:demo:...:} prefix, all removed at
 * the end.
 *
 * <p>The same with the command line: {@code stowage worker transcode ...} and {@code stowage jobs submit clip.mp4
 * --user demo --preset web-mp4 ...}, {@code stowage jobs status JOB --user demo}.
 *
 * <p>{@code new TranscodeJobsDemo().run(Files.createTempDirectory("jobs"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class TranscodeJobsDemo implements DemoPipeline {
    private static final String USER = "demo";

    @Override
    public String name() {
        return "transcode-jobs";
    }

    @Override
    public String description() {
        return "submit a clip to the transcoding service library, a worker in process transcodes it; status, download";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        DemoRedis.withFreshPrefix(out, prefix -> run(workDir, out, prefix));
    }

    private void run(Path workDir, PrintStream out, String prefix) throws Exception {
        TranscodeJobsConfig config = TranscodeJobsConfig.defaults(DemoRedis.url(), "media")
                .withKeyPrefix(prefix)
                .withPollTimeout(Duration.ofMillis(300));
        try (Transcoder t = Transcoder.create();
             EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("store")).bucket("media").start();
             S3Client s3 = store.newClient();
             TranscodeService service = TranscodeService.builder(config).s3(s3).transcoder(t).build();
             TranscodeWorker worker = TranscodeWorker.builder(config).s3(s3).transcoder(t).workers(1)
                     .workDir(workDir.resolve("worker")).build().start()) {
            // 1. a clip to transcode (2 s, 320x240, with sound)
            Path clip = workDir.resolve("holiday.mp4");
            MediaInfo in = t.createTestClip(clip, Duration.ofSeconds(2), 320, 240, true);

            // 2. submit: stored in S3, probed, recorded PENDING and queued (Redis Streams)
            long t0 = System.nanoTime();
            JobView job = service.submit(USER, clip, "holiday.mp4", "web-mp4", Optional.empty());
            out.printf(Locale.ROOT, "  submitted %s: %s, %d bytes in s3://media/%s%n", job.id().value(), job.state(),
                    job.inputSize(), job.inputKey());

            // 3. the worker claims, transcodes, uploads and completes it; poll the status as a page would
            JobView now = job;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (now.state() == JobState.PENDING || now.state() == JobState.PROCESSING) {
                check(System.nanoTime() < deadline, "the job finished within 60 s: " + now);
                Thread.sleep(100);
                now = service.status(USER, job.id());
            }
            double s = (System.nanoTime() - t0) / 1e9;
            check(now.state() == JobState.COMPLETED, "the job completed: " + now);
            out.printf(Locale.ROOT, "  %s in %.2f s (encoder %s, %d attempt), output %d bytes at s3://media/%s%n",
                    now.state(), s, now.encoder(), now.attempts(), now.outputSize(), now.outputKey());
            check(service.history(USER, 0, 10).jobs().stream().anyMatch(j -> j.id().equals(job.id())),
                    "the user's history lists the job");

            // 4. download through the presigned link and check it is the clip, transcoded
            Path result = workDir.resolve("holiday-web.mp4");
            URI link = service.downloadUrl(USER, job.id());
            try (InputStream body = link.toURL().openStream()) {
                Files.copy(body, result, StandardCopyOption.REPLACE_EXISTING);
            }
            MediaInfo got = t.probe(result);
            check(got.video().isPresent() && Math.abs(got.durationSeconds() - in.durationSeconds()) < 0.5,
                    "the download is a video of " + in.durationSeconds() + " s: " + got);
            out.printf(Locale.ROOT, "  downloaded %s: %.1f s of video, %s%n", result, got.durationSeconds(),
                    got.formatName());
            service.delete(USER, job.id());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("transcode-jobs demo check failed: " + what);
        }
    }
}
