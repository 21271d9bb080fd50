package io.stowage.benchmarks.archiver;

import io.stowage.archiver.ArchiveOptions;
import io.stowage.archiver.ArchiveReport;
import io.stowage.archiver.CameraArchiver;
import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.TranscoderConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-clip overhead of {@link CameraArchiver} over the {@link Transcoder} alone, on the same generated clips, in one
 * run: each round transcodes {@code clips} clips with {@code Transcoder.transcode} one after another, and archives
 * the same clips laid out as camera recordings with {@code CameraArchiver} (plan, lock, re-check, transcode, verify,
 * move to the trash, remove empty folders) with one worker; the sides alternate which goes first. Medians and their
 * ratio are printed, of wall time and of CPU time (this JVM plus the ffmpeg and ffprobe it ran: the steadier measure
 * on a loaded machine).
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.stowage.benchmarks.archiver.ArchiveOverhead
 * [clips=4] [seconds=5] [size=320x240] [rounds=3] [preset=camera-archive]}
 */
public final class ArchiveOverhead {
    private ArchiveOverhead() {}

    public static void main(String[] args) throws Exception {
        int clips = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        String size = args.length > 2 ? args[2] : "320x240";
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        String preset = args.length > 4 ? args[4] : "camera-archive";
        Path work = Files.createTempDirectory("stowage-archive-overhead");
        try (Transcoder t = Transcoder.create(TranscoderConfig.defaults().withMaxConcurrentJobs(1))) {
            String[] wh = size.split("x");
            Path clip = work.resolve("clip.mp4");
            MediaInfo in = t.createTestClip(clip, Duration.ofMillis((long) (seconds * 1000)),
                    Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), true);
            System.out.printf(Locale.ROOT, "%d clips of %s %.1f s, %d bytes; preset %s; %d rounds; %d cores%n",
                    clips, size, in.durationSeconds(), in.size(), preset, rounds,
                    Runtime.getRuntime().availableProcessors());
            t.transcode(clip, work.resolve("warm.mp4"), preset); // encoder trials and JIT, not counted
            archiver(t, clip, work.resolve("warm-archive"), 1, preset); // the archiver's class loading and JIT too
            double[] alone = new double[rounds];
            double[] archiver = new double[rounds];
            double[] aloneCpu = new double[rounds];
            double[] archiverCpu = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean aloneFirst = r % 2 == 0;
                double[] a = null;
                if (aloneFirst) {
                    a = transcoderAlone(t, clip, work.resolve("alone" + r), clips, preset);
                }
                double[] c = archiver(t, clip, work.resolve("archive" + r), clips, preset);
                if (!aloneFirst) {
                    a = transcoderAlone(t, clip, work.resolve("alone" + r), clips, preset);
                }
                alone[r] = a[0];
                aloneCpu[r] = a[1];
                archiver[r] = c[0];
                archiverCpu[r] = c[1];
                System.out.printf(Locale.ROOT, "round %d: Transcoder alone %.3f s, CameraArchiver %.3f s, ratio %.4f;"
                        + " CPU (this JVM + ffmpeg/ffprobe) %.2f s vs %.2f s, ratio %.4f%n", r + 1, alone[r],
                        archiver[r], archiver[r] / alone[r], aloneCpu[r], archiverCpu[r], archiverCpu[r] / aloneCpu[r]);
            }
            double ma = median(alone);
            double mc = median(archiver);
            System.out.printf(Locale.ROOT, "median: Transcoder alone %.3f s, CameraArchiver %.3f s, ratio %.4f"
                    + " (overhead %+.2f %%, %+.1f ms per clip)%n", ma, mc, mc / ma, (mc / ma - 1) * 100,
                    (mc - ma) * 1000 / clips);
            double ca = median(aloneCpu);
            double cc = median(archiverCpu);
            System.out.printf(Locale.ROOT, "median CPU: Transcoder alone %.3f s, CameraArchiver %.3f s, ratio %.4f"
                    + " (overhead %+.2f %%, %+.1f ms per clip)%n", ca, cc, cc / ca, (cc / ca - 1) * 100,
                    (cc - ca) * 1000 / clips);
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Wall seconds and CPU seconds (this JVM and its waited-for children: ffmpeg, ffprobe) of the Transcoder alone. */
    private static double[] transcoderAlone(Transcoder t, Path clip, Path dir, int clips, String preset)
            throws IOException {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        double c0 = cpuSeconds();
        for (int i = 0; i < clips; i++) {
            t.transcode(clip, dir.resolve("out" + i + ".mp4"), preset);
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, cpuSeconds() - c0};
    }

    /**
     * CPU seconds of this JVM (every thread) plus its waited-for children ({@code cutime + cstime} of
     * {@code /proc/self/stat}, clock ticks of 10 ms): steadier than wall time on a loaded machine, where a process
     * waits for a core. 0 for the children where /proc is missing.
     */
    static double cpuSeconds() {
        double self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is f[0], so utime/stime/cutime/cstime (fields 14-17) are f[11]..f[14]
            return self + (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return self;
        }
    }

    /** Wall seconds and CPU seconds (as {@link #transcoderAlone}) of archiving the same clips with CameraArchiver. */
    private static double[] archiver(Transcoder t, Path clip, Path input, int clips, String preset)
            throws IOException {
        Path day = input.resolve("2025/01/02");
        Files.createDirectories(day);
        for (int i = 0; i < clips; i++) {
            Path p = day.resolve(String.format(Locale.ROOT, "REO_cam_202501020100%02d.mp4", i));
            Files.copy(clip, p);
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        long t0 = System.nanoTime();
        double c0 = cpuSeconds();
        try (CameraArchiver a = CameraArchiver.builder(input).transcoder(t)
                .options(ArchiveOptions.defaults().withPreset(preset).withWorkers(1)).build()) {
            ArchiveReport r = a.execute(a.plan());
            if (r.transcoded() != clips) {
                throw new IllegalStateException("archived " + r.transcoded() + " of " + clips + ": " + r.failures());
            }
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, cpuSeconds() - c0};
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
