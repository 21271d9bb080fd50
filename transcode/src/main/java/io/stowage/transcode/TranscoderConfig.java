package io.stowage.transcode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a {@link Transcoder}: which ffmpeg, how many jobs at once, per-encoder session limits, stall and
 * cancel timing, and the preset catalogue. Immutable and validated; {@code withX} methods return changed copies.
 *
 * <p>{@code TranscoderConfig c = TranscoderConfig.defaults().withMaxConcurrentJobs(2)
 *     .withStallTimeout(Duration.ofSeconds(30));}
 *
 * @param ffmpeg a system ffmpeg executable (a bare name is looked up on the PATH), or {@code null} for the
 *     executables bundled in {@code org.bytedeco:ffmpeg}
 * @param ffprobe the matching ffprobe; {@code null} with the bundled ffmpeg
 * @param maxConcurrentJobs jobs that run at the same time (the rest wait in order); 1 to 256
 * @param encoderSessionLimits at most this many jobs use an encoder at once (hardware encoders have session limits,
 *     e.g. NVENC on consumer GPUs); encoders not named are limited only by {@code maxConcurrentJobs}
 * @param stallTimeout ffmpeg is killed when its output time, frame count and size have not advanced for this long
 * @param cancelGracePeriod after {@code SIGTERM}, how long ffmpeg may take to exit before {@code SIGKILL}
 * @param probeTimeout how long ffprobe may take on one file
 * @param progressInterval how often ffmpeg reports progress ({@code -stats_period})
 * @param presets the preset catalogue
 * @param rejectLargerThanInput when true, an output larger than its input fails verification (default for requests
 *     that do not say)
 *
 * <p>Immutable, so thread-safe.
 */
public record TranscoderConfig(Path ffmpeg, Path ffprobe, int maxConcurrentJobs,
        Map<String, Integer> encoderSessionLimits, Duration stallTimeout, Duration cancelGracePeriod,
        Duration probeTimeout, Duration progressInterval, PresetCatalog presets, boolean rejectLargerThanInput) {

    public TranscoderConfig {
        if ((ffmpeg == null) != (ffprobe == null)) {
            throw new IllegalArgumentException("ffmpeg " + ffmpeg + " and ffprobe " + ffprobe
                    + ": give both (a system installation) or neither (the bundled executables)");
        }
        if (maxConcurrentJobs < 1 || maxConcurrentJobs > 256) {
            throw new IllegalArgumentException("maxConcurrentJobs " + maxConcurrentJobs
                    + " is out of range 1..256; about one job per 2 CPU cores suits CPU encoders");
        }
        encoderSessionLimits = Map.copyOf(Objects.requireNonNull(encoderSessionLimits, "encoderSessionLimits"));
        encoderSessionLimits.forEach((k, v) -> {
            if (v < 1) {
                throw new IllegalArgumentException("session limit " + v + " for encoder " + k
                        + " must be at least 1; remove the encoder from its preset to stop using it");
            }
        });
        requirePositive(stallTimeout, "stallTimeout");
        requirePositive(cancelGracePeriod, "cancelGracePeriod");
        requirePositive(probeTimeout, "probeTimeout");
        requirePositive(progressInterval, "progressInterval");
        Objects.requireNonNull(presets, "presets");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " " + d + " must be a positive duration");
        }
    }

    /**
     * Bundled ffmpeg, {@code max(1, cores / 2)} concurrent jobs, NVENC limited to 3 sessions per encoder, 120 s stall
     * timeout, 5 s cancel grace, 30 s probe timeout, progress every 0.5 s, the built-in presets.
     */
    public static TranscoderConfig defaults() {
        return new TranscoderConfig(null, null, Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                Map.of("h264_nvenc", 3, "hevc_nvenc", 3, "av1_nvenc", 3), Duration.ofSeconds(120),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(500), PresetCatalog.builtIn(), false);
    }

    /** Use a system ffmpeg/ffprobe pair (e.g. {@code Path.of("ffmpeg"), Path.of("ffprobe")} from the PATH). */
    public TranscoderConfig withFfmpeg(Path ffmpeg, Path ffprobe) {
        return new TranscoderConfig(Objects.requireNonNull(ffmpeg), Objects.requireNonNull(ffprobe),
                maxConcurrentJobs, encoderSessionLimits, stallTimeout, cancelGracePeriod, probeTimeout,
                progressInterval, presets, rejectLargerThanInput);
    }

    /** Use the executables bundled in {@code org.bytedeco:ffmpeg} (the default). */
    public TranscoderConfig withBundledFfmpeg() {
        return new TranscoderConfig(null, null, maxConcurrentJobs, encoderSessionLimits, stallTimeout,
                cancelGracePeriod, probeTimeout, progressInterval, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withMaxConcurrentJobs(int n) {
        return new TranscoderConfig(ffmpeg, ffprobe, n, encoderSessionLimits, stallTimeout, cancelGracePeriod,
                probeTimeout, progressInterval, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withEncoderSessionLimits(Map<String, Integer> limits) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, limits, stallTimeout, cancelGracePeriod,
                probeTimeout, progressInterval, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withStallTimeout(Duration d) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, encoderSessionLimits, d, cancelGracePeriod,
                probeTimeout, progressInterval, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withCancelGracePeriod(Duration d) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, encoderSessionLimits, stallTimeout, d,
                probeTimeout, progressInterval, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withProbeTimeout(Duration d) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, encoderSessionLimits, stallTimeout,
                cancelGracePeriod, d, progressInterval, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withProgressInterval(Duration d) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, encoderSessionLimits, stallTimeout,
                cancelGracePeriod, probeTimeout, d, presets, rejectLargerThanInput);
    }

    public TranscoderConfig withPresets(PresetCatalog catalog) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, encoderSessionLimits, stallTimeout,
                cancelGracePeriod, probeTimeout, progressInterval, catalog, rejectLargerThanInput);
    }

    public TranscoderConfig withRejectLargerThanInput(boolean reject) {
        return new TranscoderConfig(ffmpeg, ffprobe, maxConcurrentJobs, encoderSessionLimits, stallTimeout,
                cancelGracePeriod, probeTimeout, progressInterval, presets, reject);
    }
}
