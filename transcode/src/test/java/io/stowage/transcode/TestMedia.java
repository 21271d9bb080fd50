package io.stowage.transcode;

import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.transcode.internal.FfmpegInstallation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Tiny clips made by testing-core's {@link MediaGenerator} with the bundled ffmpeg (testsrc2 + sine, 160x120, 25 fps)
 * into a test class's static {@code @TempDir}, each made once per class and shared by its tests (JUnit deletes the
 * folder after the class). Callers copy a clip before changing it. The lengths are known constants, so tests judge
 * output durations against them, not against what the library probed.
 *
 * <pre>{@code
 * @TempDir static Path mediaDir;
 * static TestMedia media;
 * @BeforeAll static void media() { media = TestMedia.in(mediaDir); }
 * }</pre>
 *
 * <p>Thread-safe (each clip is made once; callers of the same clip wait for it).
 */
final class TestMedia {
    /** Length of {@link #clip()}, {@link #videoOnly()} and {@link #faststartClip()} in seconds. */
    static final double CLIP_SECONDS = 2.0;
    /** Length of {@link #longClip()} in seconds. */
    static final double LONG_CLIP_SECONDS = 20.0;

    private final Path dir;
    private final MediaGenerator generator;
    private final Map<MediaSpec, Path> made = new ConcurrentHashMap<>();

    private TestMedia(Path dir, MediaGenerator generator) {
        this.dir = dir;
        this.generator = generator;
    }

    /** Clips made into {@code dir} (a {@code @TempDir}) with the bundled ffmpeg. */
    static TestMedia in(Path dir) {
        FfmpegInstallation inst = FfmpegInstallation.bundled();
        return new TestMedia(dir, MediaGenerator.of(inst.ffmpeg(), inst.environment()));
    }

    /** 2 s, 160x120, 25 fps H.264 + 48 kHz AAC sine in MP4. */
    Path clip() {
        return make(MediaSpec.mp4(CLIP_SECONDS));
    }

    /** 2 s, 160x120 H.264 without audio. */
    Path videoOnly() {
        return make(MediaSpec.mp4(CLIP_SECONDS).withAudio(false));
    }

    /** A longer clip for cancel and kill tests (read at real time by the slow test preset). */
    Path longClip() {
        return make(MediaSpec.mp4(LONG_CLIP_SECONDS));
    }

    /** The same 2 s clip with the index at the front (+faststart), so a truncated copy still probes. */
    Path faststartClip() {
        return make(MediaSpec.mp4(CLIP_SECONDS).withExtraArgs(List.of("-movflags", "+faststart")));
    }

    /**
     * A 1 s, 64x48 clip with sound, cheap enough to damage and transcode many times; with {@code faststart} the index
     * is at the front, so a truncated copy still probes.
     */
    Path tinyClip(boolean faststart) {
        MediaSpec spec = MediaSpec.mp4(1).withSize(64, 48);
        return make(faststart ? spec.withExtraArgs(List.of("-movflags", "+faststart")) : spec);
    }

    private Path make(MediaSpec spec) {
        return made.computeIfAbsent(spec, s -> generator.generate(s, dir.resolve(s.fileName())));
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
