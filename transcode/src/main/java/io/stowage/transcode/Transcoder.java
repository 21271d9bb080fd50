package io.stowage.transcode;

import io.stowage.transcode.internal.EncoderRegistry;
import io.stowage.transcode.internal.FfmpegInstallation;
import io.stowage.transcode.internal.Prober;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs ffmpeg with presets: probe, transcode with progress, cancel, stall detection, hardware encoders with CPU
 * fallback, and output that is verified before it gets its real name. Uses the ffmpeg and ffprobe executables
 * bundled in {@code org.bytedeco:ffmpeg} unless configured otherwise.
 *
 * <pre>{@code
 * try (Transcoder t = Transcoder.create()) {
 *     MediaInfo info = t.probe(Path.of("in.mov"));
 *     TranscodeReport r = t.transcode(TranscodeRequest.of(Path.of("in.mov"), Path.of("out.mp4"), "web-mp4")
 *             .withListener(TranscodeListener.progress(e -> System.err.printf("%.0f%%%n", e.percent()))));
 *     System.out.println(r.videoEncoder() + " " + r.outputSize());
 * }
 * }</pre>
 *
 * <p>Jobs run on a bounded pool ({@link TranscoderConfig#maxConcurrentJobs()}); an encoder is used by at most its
 * configured number of jobs at once. Each ffmpeg dies with this JVM, even on {@code kill -9}.
 *
 * <p>Thread-safe: one instance serves any number of threads; close it to stop every job.
 */
public final class Transcoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transcoder.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final TranscoderConfig config;
    private final FfmpegInstallation installation;
    private final Prober prober;
    private final EncoderRegistry encoders;
    private final ThreadPoolExecutor pool;
    private final Map<String, Semaphore> sessions = new ConcurrentHashMap<>();
    private final Set<TranscodeJob> jobs = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Transcoder(TranscoderConfig config, FfmpegInstallation installation) {
        this.config = config;
        this.installation = installation;
        this.prober = new Prober(installation, config.probeTimeout());
        this.encoders = new EncoderRegistry(installation);
        int n = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.maxConcurrentJobs(), config.maxConcurrentJobs(), 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "stowage-transcode-" + n + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** A transcoder with {@link TranscoderConfig#defaults()}: the bundled ffmpeg and the built-in presets. */
    public static Transcoder create() {
        return create(TranscoderConfig.defaults());
    }

    /**
     * A transcoder with this configuration. Locates ffmpeg and ffprobe and checks that they start.
     *
     * @throws TranscodeFfmpegUnavailableException when they cannot (e.g. {@code libpulse.so.0} is missing: the message
     *     says to install {@code libpulse0})
     */
    public static Transcoder create(TranscoderConfig config) {
        FfmpegInstallation inst = config.ffmpeg() == null
                ? FfmpegInstallation.bundled()
                : FfmpegInstallation.system(config.ffmpeg(), config.ffprobe());
        LOG.debug("using {}", inst);
        return new Transcoder(config, inst);
    }

    /** The configuration. */
    public TranscoderConfig config() {
        return config;
    }

    /** The preset catalogue. */
    public PresetCatalog presets() {
        return config.presets();
    }

    /** The ffmpeg executable in use. */
    public Path ffmpegPath() {
        return installation.ffmpeg();
    }

    /** The ffprobe executable in use. */
    public Path ffprobePath() {
        return installation.ffprobe();
    }

    /** The first line of {@code ffmpeg -version}, e.g. {@code "ffmpeg version 8.0.1 ..."}. */
    public String ffmpegVersion() {
        return installation.version();
    }

    /**
     * Probes a file with ffprobe.
     *
     * @throws TranscodeInputUnreadableException when it is missing, empty, not media or damaged
     */
    public MediaInfo probe(Path file) {
        return prober.probe(file);
    }

    /**
     * Writes a test clip: ffmpeg's {@code testsrc2} pattern (and a 440 Hz sine) as H.264 + AAC in MP4, for demos and
     * tests. Written under a temporary name and renamed when complete; replaces an existing file.
     *
     * <p>{@code t.createTestClip(Path.of("clip.mp4"), Duration.ofSeconds(2), 160, 120, true)}
     *
     * @return the probed clip
     */
    public MediaInfo createTestClip(Path output, java.time.Duration duration, int width, int height,
            boolean withAudio) {
        if (duration.isNegative() || duration.isZero() || width < 16 || height < 16 || width % 2 != 0
                || height % 2 != 0) {
            throw new IllegalArgumentException("test clip " + width + "x" + height + " for " + duration
                    + ": need a positive duration and even sizes of at least 16 pixels");
        }
        Path out = output.toAbsolutePath();
        Path temp = out.resolveSibling(JobRunner.TEMP_PREFIX + java.util.UUID.randomUUID().toString()
                .substring(0, 8) + "-" + out.getFileName());
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25"));
        if (withAudio) {
            args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
        }
        args.addAll(List.of("-t", io.stowage.transcode.internal.FfmpegCommand.seconds(duration), "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"));
        if (withAudio) {
            args.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
        }
        args.addAll(List.of("-f", "mp4", "file:" + temp));
        try {
            java.nio.file.Files.createDirectories(out.getParent());
            io.stowage.transcode.internal.Exec.Completion r = io.stowage.transcode.internal.Exec.run(installation,
                    installation.ffmpegCommand(args), config.stallTimeout().multipliedBy(2));
            if (r.exitCode() != 0 || r.timedOut()) {
                throw new TranscodeFailedException("cannot write test clip " + output, installation
                        .ffmpegCommand(args), r.stderrTail(), r.exitCode());
            }
            java.nio.file.Files.move(temp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new TranscodeOutputIoException(output, "cannot write the test clip", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(null, "interrupted while writing test clip " + output);
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(temp);
            } catch (java.io.IOException e) {
                LOG.debug("cannot delete {}: {}", temp, e.toString());
            }
        }
        return probe(out);
    }

    /**
     * Whether each encoder named by the catalogue's presets is usable here (each is tried once per transcoder,
     * with a tiny trial encode; the first call may take a second or two).
     */
    public List<EncoderStatus> encoderStatus() {
        Map<String, EncoderStatus> out = new LinkedHashMap<>();
        for (Preset p : config.presets().all()) {
            for (Preset.StreamSpec s : List.of(p.video(), p.audio())) {
                if (s.mode() != Preset.Mode.ENCODE) {
                    continue;
                }
                for (Preset.EncoderOption o : s.encoders()) {
                    if (!out.containsKey(o.name())) {
                        EncoderRegistry.Usability u = encoders.usability(o);
                        out.put(o.name(), new EncoderStatus(o.name(), o.isHardware(), u.usable(), u.reason()));
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * Queues a job and returns at once. Checks the request first: the preset exists and the output does not
     * exist unless overwriting is allowed.
     *
     * @throws TranscodeUnknownPresetException when the preset does not exist
     * @throws TranscodeOutputExistsException when the output exists and the request does not allow overwriting
     * @throws TranscodeEncoderUnavailableException when a forced encoder is not in this ffmpeg's list
     * @throws IllegalArgumentException when a forced encoder does not fit the preset, or output is the input
     * @throws IllegalStateException when this transcoder is closed
     */
    public TranscodeJob submit(TranscodeRequest request) {
        if (closed) {
            throw new IllegalStateException("transcoder is closed; create a new one");
        }
        Preset preset = config.presets().get(request.preset());
        JobRunner.checkRequest(request);
        JobRunner.overrideType(this, preset, request);
        TranscodeJob job = new TranscodeJob(request);
        jobs.add(job);
        job.completion().whenComplete((r, e) -> jobs.remove(job));
        JobRunner runner = new JobRunner(this, job, preset);
        try {
            pool.execute(runner);
        } catch (RejectedExecutionException e) {
            jobs.remove(job);
            throw new IllegalStateException("transcoder is closed; create a new one", e);
        }
        return job;
    }

    /**
     * Runs a job and waits for its verified result.
     *
     * @throws TranscodeException the typed failure
     */
    public TranscodeReport transcode(TranscodeRequest request) {
        return submit(request).await();
    }

    /** Shorthand for {@code transcode(TranscodeRequest.of(input, output, preset))}. */
    public TranscodeReport transcode(Path input, Path output, String preset) {
        return transcode(TranscodeRequest.of(input, output, preset));
    }

    /**
     * Deletes the temporary outputs ({@code .stowage-tmp-*}) that a job leaves only when its machine lost power or
     * its JVM and the watcher were killed together, in one folder (not recursively), if not modified for
     * {@code olderThan}. A running job's temporary output is written continuously, so an age of a few minutes spares
     * it; use more when another process may have a job stalled in that folder.
     *
     * <p>{@code Transcoder.removeStaleTemporaryFiles(Path.of("/archive/2025-01-15"), Duration.ofHours(1))}
     *
     * @return the files deleted
     */
    public static List<Path> removeStaleTemporaryFiles(Path folder, java.time.Duration olderThan) {
        List<Path> deleted = new ArrayList<>();
        long cutoff = System.currentTimeMillis() - olderThan.toMillis();
        try (java.nio.file.DirectoryStream<Path> ds = java.nio.file.Files.newDirectoryStream(folder,
                JobRunner.TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                try {
                    if (java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && java.nio.file.Files.getLastModifiedTime(p).toMillis() < cutoff
                            && java.nio.file.Files.deleteIfExists(p)) {
                        deleted.add(p);
                    }
                } catch (java.io.IOException e) {
                    LOG.warn("cannot delete stale temporary output {}: {}", p, e.toString());
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (java.io.IOException e) {
            throw new TranscodeOutputIoException(folder, "cannot list temporary outputs", e);
        }
        return deleted;
    }

    /**
     * Cancels every queued and running job, waits for their ffmpeg processes to exit and their partial outputs to
     * be removed, and stops the pool. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        List<TranscodeJob> all = new ArrayList<>(jobs);
        all.forEach(TranscodeJob::cancel);
        pool.shutdown();
        try {
            long waitMs = config.cancelGracePeriod().toMillis() + 30_000;
            if (!pool.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} transcode jobs still running {} ms after close()", jobs.size(), waitMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    FfmpegInstallation installation() {
        return installation;
    }

    Prober prober() {
        return prober;
    }

    EncoderRegistry encoders() {
        return encoders;
    }

    Semaphore sessions(String encoder) {
        Integer limit = config.encoderSessionLimits().get(encoder);
        if (limit == null) {
            return null;
        }
        return sessions.computeIfAbsent(encoder, k -> new Semaphore(limit, true));
    }
}
