package io.stowage.testing.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Generates small test media (MP4, MPEG-TS, JPEG) with an ffmpeg the caller names, from ffmpeg's {@code lavfi}
 * sources ({@code testsrc2} picture, {@code sine} sound), so tests need no media files in the repository. This module
 * ships no ffmpeg: the transcode module's tests pass its bundled one ({@code FfmpegInstallation.bundled()}), others
 * the path of {@code org.bytedeco:ffmpeg}'s executable ({@code Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)}) or a
 * system ffmpeg.
 *
 * <pre>{@code
 * MediaGenerator media = MediaGenerator.of(Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)));
 * Path clip = media.cached(MediaSpec.mp4(2));                 // made once per JVM, shared: copy before changing
 * Path picture = media.generate(MediaSpec.jpg(), dir.resolve("a.jpg"));
 * }</pre>
 *
 * <p>Thread-safe: {@link #cached} makes each spec once per generator (callers of the same spec wait for it); the
 * cache folder is deleted when the JVM exits.
 */
public final class MediaGenerator {
    private static final long TIMEOUT_SECONDS = 120;

    private final Path ffmpeg;
    private final Map<String, String> environment;
    private final Map<MediaSpec, Path> cache = new ConcurrentHashMap<>();
    private Path cacheDir;

    private MediaGenerator(Path ffmpeg, Map<String, String> environment) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.environment = Map.copyOf(environment);
    }

    /**
     * A generator running this ffmpeg executable with its folder first on {@code LD_LIBRARY_PATH} (what the bundled
     * executables of {@code org.bytedeco:ffmpeg} need; harmless for a system ffmpeg).
     */
    public static MediaGenerator of(Path ffmpeg) {
        Path dir = ffmpeg.toAbsolutePath().getParent();
        String old = System.getenv("LD_LIBRARY_PATH");
        String lib = dir == null ? old : old == null || old.isEmpty() ? dir.toString() : dir + ":" + old;
        return lib == null ? new MediaGenerator(ffmpeg, Map.of()) : of(ffmpeg, Map.of("LD_LIBRARY_PATH", lib));
    }

    /** A generator running this ffmpeg executable with these variables added to its environment. */
    public static MediaGenerator of(Path ffmpeg, Map<String, String> environment) {
        return new MediaGenerator(ffmpeg, environment);
    }

    /** The ffmpeg executable this generator runs. */
    public Path ffmpeg() {
        return ffmpeg;
    }

    /**
     * The file of this spec, generated on first use into a per-JVM temporary folder and shared afterwards: callers
     * copy it before changing it.
     *
     * @throws IllegalStateException when ffmpeg fails (the message has its output)
     */
    public Path cached(MediaSpec spec) {
        return cache.computeIfAbsent(spec, s -> generate(s, cacheDir().resolve(s.fileName())));
    }

    /**
     * Writes the media of {@code spec} to {@code out} (replacing it) and returns {@code out}.
     *
     * @throws IllegalStateException when ffmpeg fails or runs past 120 s (the message has its command and output)
     * @throws UncheckedIOException  when ffmpeg cannot be started
     */
    public Path generate(MediaSpec spec, Path out) {
        List<String> cmd = command(spec, out);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(environment);
        try {
            Path log = Files.createTempFile("stowage-media", ".log");
            try {
                Process p = pb.redirectOutput(log.toFile()).start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IllegalStateException("ffmpeg ran past " + TIMEOUT_SECONDS + " s making " + out
                            + "; command: " + String.join(" ", cmd));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("cannot generate " + out + ": ffmpeg exited " + p.exitValue()
                            + ": " + Files.readString(log, StandardCharsets.ISO_8859_1).strip() + "; command: "
                            + String.join(" ", cmd));
                }
                return out;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + ffmpeg + " (pass the path of an ffmpeg executable)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating " + out, e);
        }
    }

    /** The ffmpeg command line that makes {@code spec} into {@code out}. */
    List<String> command(MediaSpec spec, Path out) {
        List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel",
                "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=" + spec.width() + "x" + spec.height() + ":rate=" + spec.fps()));
        boolean audio = spec.audio() && spec.kind() != MediaSpec.Kind.JPG;
        if (audio) {
            args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        if (spec.kind() == MediaSpec.Kind.JPG) {
            args.addAll(List.of("-frames:v", "1", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "5"));
        } else {
            args.addAll(List.of("-t", Double.toString(spec.seconds()), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-g", Integer.toString(spec.fps())));
            if (audio) {
                args.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
            }
            if (spec.kind() == MediaSpec.Kind.TS) {
                args.addAll(List.of("-f", "mpegts"));
            }
        }
        args.addAll(spec.extraArgs());
        args.add(out.toString());
        return args;
    }

    private synchronized Path cacheDir() {
        if (cacheDir == null) {
            try {
                Path dir = Files.createTempDirectory("stowage-test-media");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                cacheDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary folder for test media", e);
            }
        }
        return cacheDir;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }

    @Override
    public String toString() {
        return "MediaGenerator[" + ffmpeg + "]";
    }
}
