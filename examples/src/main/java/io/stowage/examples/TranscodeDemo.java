package io.stowage.examples;

import io.stowage.transcode.EncoderAttempt;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.ProgressEvent;
import io.stowage.transcode.TranscodeListener;
import io.stowage.transcode.TranscodeRequest;
import io.stowage.transcode.TranscodeReport;
import io.stowage.transcode.Transcoder;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The transcoding pipeline on the bundled ffmpeg: a generated 2 s clip transcoded with the {@code web-mp4} preset
 * (hardware encoders tried first, CPU fallback) with progress, then a thumbnail; every output probed and checked.
 *
 * <p>{@code new TranscodeDemo().run(Files.createTempDirectory("transcode"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class TranscodeDemo implements DemoPipeline {
    @Override
    public String name() {
        return "transcode";
    }

    @Override
    public String description() {
        return "generate a 2 s clip, transcode it with preset web-mp4 (progress, encoder fallback), make a"
                + " thumbnail, probe and verify both";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        try (Transcoder t = Transcoder.create()) {
            out.println("ffmpeg: " + t.ffmpegVersion());
            Path clip = workDir.resolve("camera.mp4");
            MediaInfo in = t.createTestClip(clip, Duration.ofSeconds(2), 160, 120, true);
            out.printf(Locale.ROOT, "input: %s, %.2f s, %d bytes%n", clip.getFileName(), in.durationSeconds(),
                    in.size());

            List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
            Path web = workDir.resolve("out").resolve("camera-web.mp4");
            TranscodeReport r = t.transcode(TranscodeRequest.of(clip, web, "web-mp4")
                    .withListener(TranscodeListener.progress(events::add)));
            for (EncoderAttempt a : r.attempts()) {
                out.printf("  %-8s %-11s %s%n", a.outcome().name().toLowerCase(Locale.ROOT), a.encoder(),
                        a.detail());
            }
            out.printf(Locale.ROOT, "web-mp4: %s via %s + %s, %d bytes, %.2f s, %d progress events, %.1f s%n",
                    web.getFileName(), r.videoEncoder(), r.audioEncoder(), r.outputSize(),
                    r.outputInfo().durationSeconds(), events.size(), r.elapsed().toNanos() / 1e9);

            MediaInfo probed = t.probe(web);
            check(probed.video().map(v -> v.codec().equals("h264")).orElse(false), "output video is h264");
            check(probed.audio().map(a -> a.codec().equals("aac")).orElse(false), "output audio is aac");
            check(probed.video().map(v -> v.width() == 160 && v.height() == 120).orElse(false),
                    "output keeps 160x120");
            check(Math.abs(probed.durationSeconds() - in.durationSeconds()) <= 0.5, "duration within 0.5 s");
            check(!events.isEmpty() && events.get(events.size() - 1).percent() == 100.0, "progress reached 100 %");
            check(listNames(web.getParent()).equals(List.of("camera-web.mp4")), "no temporary file left behind");

            Path thumb = workDir.resolve("out").resolve("camera.jpg");
            TranscodeReport tr = t.transcode(clip, thumb, "thumbnail-jpg");
            check(tr.outputInfo().video().map(v -> v.codec().equals("mjpeg")).orElse(false), "thumbnail is JPEG");
            out.printf(Locale.ROOT, "thumbnail-jpg: %s, %d bytes%n", thumb.getFileName(), tr.outputSize());
        }
    }

    private static List<String> listNames(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("transcode demo check failed: " + what);
        }
    }
}
