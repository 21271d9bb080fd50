package io.stowage.benchmarks.transcode;

import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Preset;
import io.stowage.transcode.TranscodeListener;
import io.stowage.transcode.TranscodeRequest;
import io.stowage.transcode.TranscodeReport;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.internal.FfmpegCommand;
import io.stowage.transcode.internal.FfmpegInstallation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Overhead of {@link Transcoder} against running the same ffmpeg command line directly, on the same generated clip,
 * in one run: the two sides alternate ({@code rounds} times each, after one warm-up of each) so that background load
 * hits both alike; medians and their ratio are printed, with the time to the first progress event on each side.
 *
 * <p>Uses {@code io.stowage.transcode.internal} on purpose (benchmarks run on the class path; see that package's
 * {@code package-info}): the measured code has no public surface.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.stowage.benchmarks.transcode.TranscodeOverhead
 * [seconds=60] [size=640x360] [preset=web-mp4] [rounds=5]}
 *
 * <p>Transcoder's side includes what it adds: probing the input, progress parsing, fsync, probing and verifying the
 * output, the atomic rename (encoder trials are cached after the warm-up; their one-time cost is printed apart).
 */
public final class TranscodeOverhead {
    private TranscodeOverhead() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        String size = args.length > 1 ? args[1] : "640x360";
        String presetName = args.length > 2 ? args[2] : "web-mp4";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path work = Files.createTempDirectory("stowage-transcode-overhead");
        try (Transcoder t = Transcoder.create()) {
            String[] wh = size.split("x");
            Path clip = work.resolve("clip.mp4");
            MediaInfo in = t.createTestClip(clip, Duration.ofMillis((long) (seconds * 1000)),
                    Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), true);
            System.out.printf(Locale.ROOT, "clip: %s %.1f s %s, %d bytes; preset %s; %d rounds; %d cores%n",
                    size, in.durationSeconds(), in.video().orElseThrow().codec(), in.size(), presetName, rounds,
                    Runtime.getRuntime().availableProcessors());

            long tTrials = System.nanoTime();
            t.encoderStatus();
            System.out.printf(Locale.ROOT, "one-time encoder detection (trial encodes of every preset encoder): "
                    + "%.0f ms%n", (System.nanoTime() - tTrials) / 1e6);

            // the exact command the transcoder runs for this preset (first usable encoders)
            Preset preset = t.presets().get(presetName);
            TranscodeReport warm = t.transcode(TranscodeRequest.of(clip, work.resolve("warm.mp4"), presetName));
            Preset.EncoderOption v = find(preset.video(), warm.videoEncoder());
            Preset.EncoderOption a = find(preset.audio(), warm.audioEncoder());
            FfmpegInstallation inst = FfmpegInstallation.bundled();
            Path directOut = work.resolve("direct.mp4");
            List<String> direct = inst.ffmpegCommand(FfmpegCommand.build(preset, v, a, clip, directOut, null, null,
                    t.config().progressInterval()));
            System.out.println("direct: " + String.join(" ", direct));
            runDirect(inst, direct, directOut); // warm-up

            double[] viaTranscoder = new double[rounds];
            double[] viaDirect = new double[rounds];
            double[] firstTranscoder = new double[rounds];
            double[] firstDirect = new double[rounds];
            double[] ratios = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                // alternate which side goes first, so a drift in background load favours neither
                boolean directFirst = i % 2 == 0;
                if (directFirst) {
                    double[] d = runDirect(inst, direct, directOut);
                    viaDirect[i] = d[0];
                    firstDirect[i] = d[1];
                }
                Path out = work.resolve("t" + i + ".mp4");
                AtomicLong first = new AtomicLong();
                long t0 = System.nanoTime();
                t.transcode(TranscodeRequest.of(clip, out, presetName)
                        .withListener(TranscodeListener.progress(e -> first.compareAndSet(0, System.nanoTime()))));
                viaTranscoder[i] = (System.nanoTime() - t0) / 1e9;
                firstTranscoder[i] = (first.get() - t0) / 1e9;
                if (i == 0) {
                    long p0 = System.nanoTime();
                    t.probe(clip);
                    long p1 = System.nanoTime();
                    t.probe(out);
                    long p2 = System.nanoTime();
                    System.out.printf(Locale.ROOT, "fixed costs of Transcoder: probe input %.0f ms, probe output"
                            + " %.0f ms%n", (p1 - p0) / 1e6, (p2 - p1) / 1e6);
                }
                Files.deleteIfExists(out);
                if (!directFirst) {
                    double[] d = runDirect(inst, direct, directOut);
                    viaDirect[i] = d[0];
                    firstDirect[i] = d[1];
                }
                ratios[i] = viaTranscoder[i] / viaDirect[i];
                System.out.printf(Locale.ROOT, "round %d (%s first): direct %.3f s, transcoder %.3f s, ratio %.4f%n",
                        i + 1, directFirst ? "direct" : "transcoder", viaDirect[i], viaTranscoder[i], ratios[i]);
            }
            double md = median(viaDirect);
            double mt = median(viaTranscoder);
            System.out.printf(Locale.ROOT, "median wall time: direct ffmpeg %.3f s, Transcoder %.3f s, ratio %.4f"
                    + " (overhead %+.2f %%, %+.0f ms)%n", md, mt, mt / md, (mt / md - 1) * 100, (mt - md) * 1000);
            System.out.printf(Locale.ROOT, "median of the per-round ratios: %.4f (overhead %+.2f %%)%n",
                    median(ratios), (median(ratios) - 1) * 100);
            System.out.printf(Locale.ROOT, "median time to first progress event: direct ffmpeg %.3f s,"
                    + " Transcoder %.3f s%n", median(firstDirect), median(firstTranscoder));
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Preset.EncoderOption find(Preset.StreamSpec spec, String name) {
        if (name == null || spec.mode() != Preset.Mode.ENCODE) {
            return null;
        }
        return spec.encoders().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    /** Runs ffmpeg as a plain child process; returns {wall seconds, seconds to the first progress line}. */
    private static double[] runDirect(FfmpegInstallation inst, List<String> command, Path output)
            throws IOException, InterruptedException {
        Files.deleteIfExists(output);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(inst.environment());
        long t0 = System.nanoTime();
        Process p = pb.start();
        long first = 0;
        try (InputStream out = p.getInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = out.read(buf)) >= 0) {
                if (first == 0 && n > 0) {
                    first = System.nanoTime();
                }
            }
        }
        int rc = p.waitFor();
        long t1 = System.nanoTime();
        if (rc != 0) {
            throw new IllegalStateException("direct ffmpeg exited " + rc);
        }
        // what the Transcoder adds for durability (DESIGN.md: fsync before rename), measured apart, not counted
        long f0 = System.nanoTime();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(output,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        System.out.printf(Locale.ROOT, "  fsync of the direct output (%d bytes): %.0f ms%n", Files.size(output),
                (System.nanoTime() - f0) / 1e6);
        return new double[] {(t1 - t0) / 1e9, (first - t0) / 1e9};
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

}
