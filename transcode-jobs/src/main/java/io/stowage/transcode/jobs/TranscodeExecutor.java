package io.stowage.transcode.jobs;

import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Objects;
import io.stowage.s3.StreamUploadOptions;
import io.stowage.transcode.Preset;
import io.stowage.transcode.TranscodeCancelledException;
import io.stowage.transcode.TranscodeJob;
import io.stowage.transcode.TranscodeListener;
import io.stowage.transcode.TranscodeReport;
import io.stowage.transcode.TranscodeRequest;
import io.stowage.transcode.Transcoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real job: reuse an existing verified output (a redelivered job), else download the raw input to a private
 * temporary folder, run {@link Transcoder} (which verifies the output) and upload the output to its one key.
 * Thread-safe: nothing shared but thread-safe collaborators.
 */
final class TranscodeExecutor implements JobExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(TranscodeExecutor.class);

    private final TranscodeJobsConfig config;
    private final S3Objects objects;
    private final Transcoder transcoder;
    private final RemoteProbe probe;
    private final Path workRoot;

    TranscodeExecutor(TranscodeJobsConfig config, S3Objects objects, Transcoder transcoder, Path workRoot) {
        this.config = config;
        this.objects = objects;
        this.transcoder = transcoder;
        this.probe = new RemoteProbe(transcoder.ffprobePath(), 60);
        this.workRoot = workRoot;
    }

    private String outputKey(RunningJob job) {
        Preset p = transcoder.presets().get(job.view.preset());
        return ObjectKeys.output(config, job.view.user(), job.view.id(), job.view.safeName(), p.extension());
    }

    @Override
    public Outcome execute(RunningJob job, ProgressSink progress) throws Exception {
        Preset preset = transcoder.presets().get(job.view.preset());
        String outKey = outputKey(job);
        Optional<Outcome> done = existingOutput(job, preset, outKey);
        if (done.isPresent()) {
            LOG.info("job {}: verified output {} already exists, completing without transcoding", job.jobId, outKey);
            return done.get();
        }
        job.checkStop();
        Files.createDirectories(workRoot);
        Path dir = Files.createTempDirectory(workRoot, "job-" + job.jobId + "-");
        try {
            Path in = dir.resolve("in-" + job.view.safeName());
            try (InputStream s = objects.get(config.bucket(), job.view.inputKey())) {
                Files.copy(s, in, StandardCopyOption.REPLACE_EXISTING);
            }
            job.checkStop();
            Path out = dir.resolve(outKey.substring(outKey.lastIndexOf('/') + 1));
            TranscodeJob t = transcoder.submit(TranscodeRequest.of(in, out, preset.name())
                    .withListener(TranscodeListener.progress(e -> progress.progress(e.percent(), e.encoder()))));
            job.attach(t);
            TranscodeReport r;
            try {
                r = t.await();
            } catch (TranscodeCancelledException e) {
                job.checkStop();
                throw e;
            }
            job.checkStop();
            long size = Files.size(out);
            try (InputStream s = Files.newInputStream(out)) {
                objects.put(config.bucket(), outKey, s, StreamUploadOptions.defaults().withPartSize(config.partSize())
                        .withPartsInFlight(2));
            }
            String encoder = r.videoEncoder() != null ? r.videoEncoder() : r.audioEncoder();
            return new Outcome(outKey, size, encoder, false);
        } finally {
            deleteTree(dir);
        }
    }

    /** An output already at the job's key that ffprobe reads with the input's duration: a redelivered job's. */
    private Optional<Outcome> existingOutput(RunningJob job, Preset preset, String outKey) throws Exception {
        Optional<RemoteObject> head = objects.head(config.bucket(), outKey);
        if (head.isEmpty() || head.get().size() == 0) {
            return Optional.empty();
        }
        URI url = objects.presignGet(config.bucket(), outKey, Duration.ofMinutes(15));
        String[] problem = new String[1];
        RemoteProbe.Result r = probe.probe(url, problem);
        double expected = JobCodec.inputDuration(job.hash);
        if (r == null) {
            LOG.warn("job {}: existing output {} unreadable ({}); transcoding again", job.jobId, outKey, problem[0]);
            return Optional.empty();
        }
        if (preset.checksDuration() && expected > 0
                && Math.abs(r.durationSeconds() - expected) > Math.max(0.5, expected * 0.01)) {
            LOG.warn("job {}: existing output {} lasts {} s, input {} s; transcoding again", job.jobId, outKey,
                    r.durationSeconds(), expected);
            return Optional.empty();
        }
        String enc = job.view.encoder() != null ? job.view.encoder() : "unknown";
        return Optional.of(new Outcome(outKey, head.get().size(), enc, true));
    }

    @Override
    public void discard(RunningJob job, Outcome outcome) {
        try {
            objects.delete(config.bucket(), outcome != null ? outcome.outputKey() : outputKey(job));
        } catch (RuntimeException e) {
            LOG.warn("job {}: could not remove its output: {}", job.jobId, e.toString());
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot walk {}: {}", dir, e.toString());
        }
    }
}
