package io.stowage.transcode;

import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.transcode.internal.FfmpegInstallation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tiny clips made by testing-core's {@link MediaGenerator} with the bundled ffmpeg (testsrc2 + sine, 160x120, 25 fps),
 * once per JVM and shared by the test classes. Callers copy a clip before changing it.
 */
final class TestMedia {
    private static MediaGenerator media;

    private TestMedia() {}

    /** 2 s, 160x120, 25 fps H.264 + 48 kHz AAC sine in MP4. */
    static Path clip() {
        return media().cached(MediaSpec.mp4(2));
    }

    /** 2 s, 160x120 H.264 without audio. */
    static Path videoOnly() {
        return media().cached(MediaSpec.mp4(2).withAudio(false));
    }

    /** A longer clip for cancel and kill tests (read at real time by the slow test preset). */
    static Path longClip() {
        return media().cached(MediaSpec.mp4(20));
    }

    /** The same 2 s clip with the index at the front (+faststart), so a truncated copy still probes. */
    static Path faststartClip() {
        return media().cached(MediaSpec.mp4(2).withExtraArgs(List.of("-movflags", "+faststart")));
    }

    private static synchronized MediaGenerator media() {
        if (media == null) {
            FfmpegInstallation inst = FfmpegInstallation.bundled();
            media = MediaGenerator.of(inst.ffmpeg(), inst.environment());
        }
        return media;
    }

    /** Names of every file in a folder (to check that nothing was left behind). */
    static List<String> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** True while the process runs (a zombie, killed but not yet reaped, counts as gone). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 2);
            return afterName.charAt(0) != 'Z' && afterName.charAt(0) != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits up to 30 s for the process to be gone; returns whether it is. */
    static boolean awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return !running(pid);
    }

    /** A catalogue with the built-ins plus test presets: "slow-h264" reads its input at real time. */
    static PresetCatalog presetsWithSlow() {
        return PresetCatalog.builtIn().with(PresetCatalog.parse("""
                {"presets": [{
                  "name": "slow-h264", "description": "reads the input at real time (tests)",
                  "format": "mp4", "extension": "mp4", "input_args": ["-re"],
                  "video": {"mode": "encode", "codec": "h264",
                            "encoders": [{"name": "libx264", "args": ["-preset", "ultrafast"]}]},
                  "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac"}]}
                }]}
                """));
    }
}
