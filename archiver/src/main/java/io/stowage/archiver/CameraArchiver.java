package io.stowage.archiver;

import io.stowage.transcode.Preset;
import io.stowage.transcode.PresetCatalog;
import io.stowage.transcode.Transcoder;
import io.stowage.transcode.TranscoderConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The camera archiver: finds the recordings in an input folder by the date and time in their names, transcodes the
 * due ones with a preset ({@code camera-archive}) to {@code output/YYYY/MM/DD/}, moves each source (and its JPG) to
 * the trash only after its output was verified, and cleans the trash (and optionally outputs) by age and size.
 * {@link #plan()} decides everything before anything changes; {@link #execute(ArchivePlan)} does it.
 *
 * <pre>{@code
 * try (CameraArchiver a = CameraArchiver.builder(Path.of("/camera"))
 *         .options(ArchiveOptions.defaults().withCleanup(true).withAge(Duration.ofDays(30)))
 *         .build()) {
 *     ArchivePlan plan = a.plan();
 *     ArchiveReport report = a.execute(plan);
 *     System.out.println(report.transcoded() + " archived, " + report.failed() + " failed");
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #plan()} may run on any thread; one {@link #execute} runs at a time per input (a lock file
 * stops a second, in this process or another); {@link #cancel()} may be called from any thread (a signal handler).
 */
public final class CameraArchiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CameraArchiver.class);

    private final Path input;
    private final ArchiveOptions options;
    private final Layout layout;
    private final ArchiveListener listener;
    private final TranscoderConfig transcoderConfig;
    private final Transcoder shared;
    private final Clock clock;
    private Transcoder owned;
    private volatile Execution current;
    private volatile boolean cancelled;

    private CameraArchiver(Builder b) {
        this.input = b.input;
        this.options = b.options;
        this.layout = Layout.of(b.input, b.options);
        this.listener = new SafeListener(b.listener);
        this.shared = b.transcoder;
        TranscoderConfig c = b.transcoderConfig == null ? TranscoderConfig.defaults() : b.transcoderConfig;
        this.transcoderConfig = options.workers() > 0 ? c.withMaxConcurrentJobs(options.workers()) : c;
        this.clock = b.clock;
    }

    /** A builder for the archiver of the recordings in {@code input}. */
    public static Builder builder(Path input) {
        return new Builder(input);
    }

    /** The options. */
    public ArchiveOptions options() {
        return options;
    }

    /**
     * Surveys the input, output and trash trees (one pass: totals and which folders hold which days) and returns the
     * plan; nothing is changed. Settle and age are measured from now.
     *
     * @throws ArchiveIoException when the input is missing or a folder cannot be read
     * @throws ArchiveInvalidOptionException when the preset does not exist
     */
    public ArchivePlan plan() {
        PresetCatalog catalog = shared != null ? shared.presets() : transcoderConfig.presets();
        Preset preset = catalog.find(options.preset()).orElseThrow(() -> new ArchiveInvalidOptionException("preset",
                options.preset(), "is not a preset; choose one of " + String.join(", ", catalog.names())));
        NameParser parser = new NameParser(options.pattern());
        long t0 = System.nanoTime();
        Survey survey = Survey.of(layout, parser);
        LOG.debug("surveyed {} in {} ms: {}", input, (System.nanoTime() - t0) / 1_000_000, survey.totals());
        return new ArchivePlan(layout, options, parser, survey, preset.extension(), clock.instant());
    }

    /**
     * Runs the plan: takes the input's lock, transcodes, verifies, removes sources to the trash (or deletes them),
     * cleans up, removes empty day folders. A failed item is reported and the rest goes on; {@link #cancel()} stops
     * the running transcodes (their partial outputs removed, sources untouched) and returns an interrupted report.
     *
     * @throws ArchiveLockedException when another archiver runs on this input
     */
    public ArchiveReport execute(ArchivePlan plan) {
        Objects.requireNonNull(plan, "plan");
        try (LockFile lock = LockFile.acquire(layout.lockFile())) {
            Transcoder t = transcoder();
            int workers = options.workers() > 0 ? options.workers() : t.config().maxConcurrentJobs();
            Execution e = new Execution(plan, t, listener, workers);
            current = e;
            if (cancelled) {
                e.cancel();
            }
            ArchiveReport r = e.run();
            listener.onFinish(r);
            return r;
        } finally {
            current = null;
        }
    }

    /** Stops a running {@link #execute} as soon as its transcodes have stopped; no new action starts. Idempotent. */
    public void cancel() {
        cancelled = true;
        Execution e = current;
        if (e != null) {
            e.cancel();
        }
    }

    private synchronized Transcoder transcoder() {
        if (shared != null) {
            return shared;
        }
        if (owned == null) {
            owned = Transcoder.create(transcoderConfig);
        }
        return owned;
    }

    /** Closes the transcoder this archiver created (not one given to the builder). */
    @Override
    public synchronized void close() {
        if (owned != null) {
            owned.close();
            owned = null;
        }
    }

    /**
     * Builds a {@link CameraArchiver}.
     *
     * <p>{@code CameraArchiver.builder(input).options(o).listener(l).build()}
     *
     * <p>Not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final Path input;
        private ArchiveOptions options = ArchiveOptions.defaults();
        private ArchiveListener listener = ArchiveListener.none();
        private Transcoder transcoder;
        private TranscoderConfig transcoderConfig;
        private Clock clock = Clock.systemUTC();

        private Builder(Path input) {
            this.input = Objects.requireNonNull(input, "input");
        }

        /** The options (default {@link ArchiveOptions#defaults()}). */
        public Builder options(ArchiveOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** Receives progress (default {@link ArchiveListener#none()}). */
        public Builder listener(ArchiveListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** Use this transcoder (shared; not closed by the archiver). */
        public Builder transcoder(Transcoder t) {
            this.transcoder = t;
            return this;
        }

        /** Create a transcoder with this configuration when executing (closed by {@link #close()}). */
        public Builder transcoderConfig(TranscoderConfig c) {
            this.transcoderConfig = c;
            return this;
        }

        /** The clock settle and age are measured with (tests). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public CameraArchiver build() {
            return new CameraArchiver(this);
        }
    }

    /** Logs and ignores a listener's exceptions. */
    private record SafeListener(ArchiveListener l) implements ArchiveListener {
        @Override
        public void onStart(ArchiveTotals totals) {
            run(() -> l.onStart(totals));
        }

        @Override
        public void onActionStart(ArchiveAction action) {
            run(() -> l.onActionStart(action));
        }

        @Override
        public void onTranscodeProgress(ArchiveAction action, io.stowage.transcode.ProgressEvent event) {
            run(() -> l.onTranscodeProgress(action, event));
        }

        @Override
        public void onActionDone(ArchiveAction action, boolean ok, String detail) {
            run(() -> l.onActionDone(action, ok, detail));
        }

        @Override
        public void onFinish(ArchiveReport report) {
            run(() -> l.onFinish(report));
        }

        private static void run(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("archive listener failed (ignored): {}", e.toString());
            }
        }
    }
}
