package io.stowage.transcode;

import io.stowage.transcode.internal.Exec;
import io.stowage.transcode.internal.FfmpegInstallation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Tiny clips generated with the bundled ffmpeg's lavfi sources (testsrc2 + sine), made once per JVM and shared by
 * the test classes. Callers copy a clip before changing it.
 */
final class TestMedia {
    private static final Map<String, Path> CACHE = new ConcurrentHashMap<>();
    private static Path dir;

    private TestMedia() {}

    /** 2 s, 160x120, 25 fps H.264 + 48 kHz AAC sine in MP4. */
    static Path clip() {
        return generate("clip.mp4", 2, true, List.of());
    }

    /** 2 s, 160x120 H.264 without audio. */
    static Path videoOnly() {
        return generate("video-only.mp4", 2, false, List.of());
    }

    /** A longer clip for cancel and kill tests (read at real time by the slow test preset). */
    static Path longClip() {
        return generate("long.mp4", 20, true, List.of());
    }

    /** The same 2 s clip with the index at the front (+faststart), so a truncated copy still probes. */
    static Path faststartClip() {
        return generate("faststart.mp4", 2, true, List.of("-movflags", "+faststart"));
    }

    static synchronized Path generate(String name, double seconds, boolean audio, List<String> extra) {
        return CACHE.computeIfAbsent(name, n -> {
            try {
                if (dir == null) {
                    dir = Files.createTempDirectory("stowage-test-media");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                }
                Path out = dir.resolve(n);
                List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25"));
                if (audio) {
                    args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
                }
                args.addAll(List.of("-t", Double.toString(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                        "-pix_fmt", "yuv420p", "-g", "25"));
                if (audio) {
                    args.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
                }
                args.addAll(extra);
                args.add(out.toString());
                FfmpegInstallation inst = FfmpegInstallation.bundled();
                Exec.Result r = Exec.run(inst, inst.ffmpegCommand(args), Duration.ofSeconds(120));
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("cannot generate " + n + ": " + r.stderrText());
                }
                return out;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
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

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
