package io.stowage.transcode;

import io.stowage.transcode.internal.EncoderRegistry;
import io.stowage.transcode.internal.FfmpegCommand;
import io.stowage.transcode.internal.FfmpegProcess;
import io.stowage.transcode.internal.ProgressParser;
import io.stowage.transcode.internal.ProgressTracker;
import io.stowage.transcode.internal.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Runs one job on a pool thread: probe, choose encoders, run ffmpeg with fallback, verify, rename. */
final class JobRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration POLL = Duration.ofMillis(50);
    static final String TEMP_PREFIX = ".stowage-tmp-";

    private final Transcoder transcoder;
    private final TranscodeJob job;
    private final Preset preset;
    private final TranscodeRequest request;
    private final List<EncoderAttempt> attempts = new ArrayList<>();

    JobRunner(Transcoder transcoder, TranscodeJob job, Preset preset) {
        this.transcoder = transcoder;
        this.job = job;
        this.preset = preset;
        this.request = job.request();
    }

    /** Checks made before queueing, so that callers learn of them at once. */
    static void checkRequest(TranscodeRequest request) {
        Path in = request.input().toAbsolutePath().normalize();
        Path out = request.output().toAbsolutePath().normalize();
        if (in.equals(out)) {
            throw new IllegalArgumentException("output " + request.output()
                    + " is the input; ffmpeg cannot write over the file it reads; choose another output");
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("output " + request.output() + " is a directory; name a file");
        }
        if (!request.overwrite() && Files.exists(out)) {
            throw new TranscodeOutputExistsException(request.output());
        }
    }

    @Override
    public void run() {
        try {
            job.completion().complete(execute());
        } catch (TranscodeException e) {
            job.completion().completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            LOG.error("transcode of {} failed unexpectedly", request.input(), e);
            job.completion().completeExceptionally(new TranscodeException(request.input()
                    + ": transcode failed unexpectedly: " + e, e));
        } finally {
            job.running(null);
        }
    }

    private void checkCancelled() {
        if (job.isCancelRequested()) {
            throw new TranscodeCancelledException(request.input(),
                    request.input() + ": cancelled before it finished");
        }
    }

    private TranscodeReport execute() {
        long t0 = System.nanoTime();
        checkCancelled();
        Path output = request.output().toAbsolutePath().normalize();
        MediaInfo in = transcoder.probe(request.input());
        checkCancelled();
        checkInputFits(in);
        Duration expected = expectedDuration(in);

        Preset.EncoderOption audioFixed = null;
        List<Preset.EncoderOption> videoCandidates = List.of();
        List<Preset.EncoderOption> audioCandidates = List.of();
        char overrideType = overrideType(transcoder, preset, request);
        if (preset.video().mode() == Preset.Mode.ENCODE && in.video().isPresent()) {
            videoCandidates = candidates(preset.video(), overrideType == 'V' ? request.encoder() : null);
        }
        if (preset.audio().mode() == Preset.Mode.ENCODE && in.audio().isPresent()) {
            audioCandidates = candidates(preset.audio(), overrideType == 'A' ? request.encoder() : null);
        }
        // the varying list is the video one when video is encoded; audio takes its first usable encoder
        boolean varyVideo = !videoCandidates.isEmpty();
        List<Preset.EncoderOption> primary = varyVideo ? videoCandidates : audioCandidates;
        if (varyVideo && !audioCandidates.isEmpty()) {
            audioFixed = audioCandidates.get(0);
        }
        if (primary.isEmpty()) {
            primary = new ArrayList<>();
            primary.add(null); // copy / none: one attempt without encoder choice
        }

        Path dir = output.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TranscodeOutputIoException(dir, "cannot create the output folder", e);
        }
        ProgressTracker tracker = new ProgressTracker(request.listener(), preset.checksDuration() ? expected : null);
        TranscodeException last = null;
        for (int i = 0; i < primary.size(); i++) {
            checkCancelled();
            Preset.EncoderOption option = primary.get(i);
            Preset.EncoderOption video = varyVideo ? option : null;
            Preset.EncoderOption audio = varyVideo ? audioFixed : option;
            boolean more = i < primary.size() - 1;
            String name = option == null ? "copy" : option.name();
            try {
                MediaInfo out = attempt(in, output, video, audio, expected, tracker);
                attempts.add(new EncoderAttempt(name, option != null && option.isHardware(),
                        EncoderAttempt.Verdict.USED, ""));
                String videoName = preset.video().mode() == Preset.Mode.COPY && in.video().isPresent() ? "copy"
                        : video == null ? null : video.name();
                String audioName = preset.audio().mode() == Preset.Mode.COPY && in.audio().isPresent() ? "copy"
                        : audio == null ? null : audio.name();
                return new TranscodeReport(request.input(), output, preset.name(), videoName, audioName,
                        video != null && video.isHardware(), attempts, in, out,
                        Duration.ofNanos(System.nanoTime() - t0));
            } catch (TranscodeCancelledException | TranscodeStalledException e) {
                throw e;
            } catch (TranscodeFailedException | TranscodeVerificationFailedException e) {
                boolean retry = more && (e instanceof TranscodeFailedException || option.isHardware());
                attempts.add(new EncoderAttempt(name, option != null && option.isHardware(),
                        EncoderAttempt.Verdict.FAILED, e.getMessage()));
                last = e;
                if (!retry) {
                    break;
                }
                LOG.warn("{}: encoder {} failed ({}); retrying with {}", request.input(), name, e.getMessage(),
                        primary.get(i + 1).name());
            }
        }
        throw last;
    }

    /**
     * Checks a forced encoder against the preset: 'V' or 'A' for the stream it applies to, 0 without one.
     *
     * @throws TranscodeEncoderUnavailableException when this ffmpeg does not list it
     * @throws IllegalArgumentException when it does not fit the preset (wrong codec, stream not encoded)
     */
    static char overrideType(Transcoder transcoder, Preset preset, TranscodeRequest request) {
        if (request.encoder() == null) {
            return 0;
        }
        EncoderRegistry.Listed l = transcoder.encoders().listed().get(request.encoder());
        if (l == null) {
            throw new TranscodeEncoderUnavailableException(List.of(request.encoder()), "encoder '" + request.encoder()
                    + "' is not in this ffmpeg's encoder list (" + transcoder.ffmpegPath()
                    + " -encoders); for hardware encoders configure a system ffmpeg built with them");
        }
        Preset.StreamSpec spec = l.type() == 'V' ? preset.video() : l.type() == 'A' ? preset.audio() : null;
        if (spec == null || spec.mode() != Preset.Mode.ENCODE) {
            throw new IllegalArgumentException("encoder '" + request.encoder() + "' does not apply: preset '"
                    + preset.name() + "' does not encode " + (l.type() == 'A' ? "audio" : "video"));
        }
        if (!l.codec().equals(spec.codec())) {
            throw new IllegalArgumentException("encoder '" + request.encoder() + "' makes " + l.codec()
                    + " but preset '" + preset.name() + "' makes " + spec.codec() + "; choose a " + spec.codec()
                    + " encoder, e.g. " + spec.encoders().get(spec.encoders().size() - 1).name());
        }
        return l.type();
    }

    private List<Preset.EncoderOption> candidates(Preset.StreamSpec spec, String override) {
        EncoderRegistry registry = transcoder.encoders();
        if (override != null) {
            Preset.EncoderOption opt = spec.encoders().stream().filter(o -> o.name().equals(override)).findFirst()
                    .orElseGet(() -> new Preset.EncoderOption(override, null, List.of(), List.of(), null));
            EncoderRegistry.Usability u = registry.usability(opt);
            if (!u.usable()) {
                throw new TranscodeEncoderUnavailableException(List.of(override), "encoder '" + override
                        + "' is not usable here: " + u.reason());
            }
            return List.of(opt);
        }
        List<Preset.EncoderOption> usable = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Preset.EncoderOption o : spec.encoders()) {
            EncoderRegistry.Usability u = registry.usability(o);
            if (u.usable()) {
                usable.add(o);
            } else {
                attempts.add(new EncoderAttempt(o.name(), o.isHardware(), EncoderAttempt.Verdict.SKIPPED,
                        u.reason()));
                reasons.add(o.name() + ": " + u.reason());
            }
        }
        if (usable.isEmpty()) {
            throw new TranscodeEncoderUnavailableException(
                    spec.encoders().stream().map(Preset.EncoderOption::name).toList(),
                    "preset '" + preset.name() + "': no usable " + spec.codec() + " encoder ("
                            + String.join("; ", reasons) + "); add a CPU encoder to the preset or configure a"
                            + " system ffmpeg");
        }
        return usable;
    }

    private void checkInputFits(MediaInfo in) {
        if (preset.video().required() && in.video().isEmpty()) {
            throw new TranscodeIncompatibleInputException(request.input(),
                    "has no video stream; preset '" + preset.name()
                    + "' needs one");
        }
        if (preset.audio().required() && in.audio().isEmpty()) {
            throw new TranscodeIncompatibleInputException(request.input(),
                    "has no audio stream; preset '" + preset.name()
                    + "' needs one");
        }
        boolean anything = (preset.video().mode() != Preset.Mode.NONE && in.video().isPresent())
                || (preset.audio().mode() != Preset.Mode.NONE && in.audio().isPresent());
        if (!anything) {
            throw new TranscodeIncompatibleInputException(request.input(), "has no stream that preset '" + preset.name()
                    + "' keeps (video " + preset.video().mode().name().toLowerCase(java.util.Locale.ROOT)
                    + ", audio " + preset.audio().mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        if (request.start() != null && in.duration() != null && request.start().compareTo(in.duration()) >= 0) {
            throw new TranscodeIncompatibleInputException(request.input(), "trim start " + FfmpegCommand.seconds(
                    request.start()) + " s is at or after the end of the input (" + FfmpegCommand.seconds(
                    in.duration()) + " s)");
        }
    }

    private Duration expectedDuration(MediaInfo in) {
        Duration start = request.start() == null ? Duration.ZERO : request.start();
        if (in.duration() == null) {
            return request.duration();
        }
        Duration rest = in.duration().minus(start);
        if (request.duration() != null && request.duration().compareTo(rest) < 0) {
            return request.duration();
        }
        return rest;
    }

    /** One ffmpeg run with the given encoders; returns the probed, verified output under its real name. */
    private MediaInfo attempt(MediaInfo in, Path output, Preset.EncoderOption video, Preset.EncoderOption audio,
            Duration expected, ProgressTracker tracker) {
        Path temp = output.resolveSibling(TEMP_PREFIX + UUID.randomUUID().toString().substring(0, 8) + "-"
                + output.getFileName());
        List<Semaphore> held = new ArrayList<>();
        boolean moved = false;
        try {
            acquire(video, held);
            acquire(audio, held);
            List<String> args = FfmpegCommand.build(preset, video, audio, request.input(), temp, request.start(),
                    request.duration(), transcoder.config().progressInterval());
            List<String> command = transcoder.installation().ffmpegCommand(args);
            String encoderName = video != null ? video.name() : audio != null ? audio.name() : "copy";
            tracker.newAttempt(encoderName);
            ProgressParser parser = new ProgressParser(tracker::accept);
            FfmpegProcess proc;
            try {
                proc = FfmpegProcess.start(transcoder.installation(), command, temp, parser::feed);
            } catch (IOException e) {
                throw new TranscodeFailedException("cannot start ffmpeg: " + e.getMessage(), command, List.of(), -1);
            }
            job.running(proc);
            LOG.debug("{}: running {}", request.input(), command);
            boolean cancelled = false;
            boolean stalled = false;
            int rc;
            try {
                while (!proc.waitFor(POLL)) {
                    if (job.isCancelRequested()) {
                        cancelled = true;
                        proc.stop(transcoder.config().cancelGracePeriod());
                        break;
                    }
                    if (tracker.nanosSinceAdvance() > transcoder.config().stallTimeout().toNanos()) {
                        stalled = true;
                        proc.kill();
                        break;
                    }
                }
                rc = proc.finish();
            } catch (InterruptedException e) {
                proc.kill();
                Thread.currentThread().interrupt();
                throw new TranscodeCancelledException(request.input(),
                        request.input() + ": interrupted; ffmpeg killed");
            } finally {
                job.running(null);
            }
            if (cancelled || job.isCancelRequested()) {
                // also when ffmpeg ended by itself meanwhile (e.g. Ctrl-C reached it too): never a fallback retry
                throw new TranscodeCancelledException(request.input(), request.input() + ": cancelled; ffmpeg (pid "
                        + proc.pid() + ") stopped and the partial output removed");
            }
            if (stalled) {
                throw new TranscodeStalledException(request.input() + ": ffmpeg made no progress for "
                        + transcoder.config().stallTimeout().toSeconds() + " s with encoder " + encoderName
                        + " and was killed; the input may be a stalled pipe or network file (raise"
                        + " TranscoderConfig.stallTimeout if the encoder is just slow to start)",
                        command, proc.stderrTail(), transcoder.config().stallTimeout());
            }
            if (rc != 0) {
                throw new TranscodeFailedException(request.input() + ": ffmpeg exited " + rc + " with encoder "
                        + encoderName, command, proc.stderrTail(), rc);
            }
            if (!tracker.endSeen()) {
                throw new TranscodeFailedException(request.input() + ": ffmpeg exited 0 without reporting "
                        + "progress=end with encoder " + encoderName, command, proc.stderrTail(), rc);
            }
            if (!Files.isRegularFile(temp)) {
                throw new TranscodeFailedException(request.input() + ": ffmpeg exited 0 but wrote no output",
                        command, proc.stderrTail(), rc);
            }
            fsync(temp);
            MediaInfo out;
            try {
                out = transcoder.prober().probe(temp);
            } catch (TranscodeInputUnreadableException e) {
                throw new TranscodeVerificationFailedException(output.toString(),
                        List.of("ffprobe cannot read the output: "
                        + e.getMessage()));
            }
            boolean rejectLarger = request.rejectLargerThanInput() != null ? request.rejectLargerThanInput()
                    : transcoder.config().rejectLargerThanInput();
            List<String> problems = Verifier.check(preset, in, out, expected, rejectLarger);
            if (!problems.isEmpty()) {
                throw new TranscodeVerificationFailedException(output.toString(), problems);
            }
            checkCancelled();
            publish(temp, output);
            moved = true;
            return new MediaInfo(output, out.formatName(), out.formatLongName(), out.duration(), out.size(),
                    out.bitRate(), out.streams());
        } finally {
            held.forEach(Semaphore::release);
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("cannot delete partial output {}: {}", temp, e.toString());
                }
            }
        }
    }

    private void acquire(Preset.EncoderOption encoder, List<Semaphore> held) {
        if (encoder == null) {
            return;
        }
        Semaphore s = transcoder.sessions(encoder.name());
        if (s == null) {
            return;
        }
        try {
            while (!s.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                checkCancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeCancelledException(request.input(),
                    request.input() + ": interrupted while waiting for an " + encoder.name() + " session");
        }
        held.add(s);
    }

    private static void fsync(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            throw new TranscodeOutputIoException(file, "cannot fsync the output", e);
        }
    }

    /** Gives the verified temp file its real name: atomically, never replacing a file unless overwrite is on. */
    private void publish(Path temp, Path output) {
        try {
            if (request.overwrite()) {
                Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    Files.createLink(output, temp); // fails if output appeared meanwhile
                    Files.delete(temp);
                } catch (FileAlreadyExistsException e) {
                    throw new TranscodeOutputExistsException(request.output());
                } catch (UnsupportedOperationException | IOException e) {
                    if (Files.exists(output)) {
                        throw new TranscodeOutputExistsException(request.output());
                    }
                    Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new TranscodeOutputIoException(output, "cannot rename the verified output from " + temp, e);
        }
        Optional.ofNullable(output.getParent()).ifPresent(JobRunner::fsyncDir);
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync folder {}: {}", dir, e.toString());
        }
    }
}
