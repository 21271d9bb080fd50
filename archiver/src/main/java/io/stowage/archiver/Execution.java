package io.stowage.archiver;

import io.stowage.transcode.MediaInfo;
import io.stowage.transcode.TranscodeCancelledException;
import io.stowage.transcode.TranscodeException;
import io.stowage.transcode.TranscodeJob;
import io.stowage.transcode.TranscodeRequest;
import io.stowage.transcode.TranscodeListener;
import io.stowage.transcode.TranscodeReport;
import io.stowage.transcode.Transcoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a plan: per day the transcodes on {@code workers} threads, then the removal of sources whose output is
 * verified, then the cleanup. A source is removed only after its output was verified (by this run's transcode, or
 * by probing an existing output). One per {@link CameraArchiver#execute} call; {@link #cancel()} from any thread.
 */
final class Execution {
    private static final Logger LOG = LoggerFactory.getLogger(CameraArchiver.class);

    private final ArchivePlan plan;
    private final Transcoder transcoder;
    private final ArchiveListener listener;
    private final int workers;
    private final Set<TranscodeJob> running = ConcurrentHashMap.newKeySet();
    private final Set<Path> verified = ConcurrentHashMap.newKeySet();
    private final Set<Path> failedOutputs = ConcurrentHashMap.newKeySet();
    private final List<ArchiveFailure> failures = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong transcoded = new AtomicLong();
    private final AtomicLong trashed = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong freed = new AtomicLong();
    private volatile boolean cancelled;

    Execution(ArchivePlan plan, Transcoder transcoder, ArchiveListener listener, int workers) {
        this.plan = plan;
        this.transcoder = transcoder;
        this.listener = listener;
        this.workers = workers;
    }

    void cancel() {
        cancelled = true;
        running.forEach(TranscodeJob::cancel);
    }

    ArchiveReport run() {
        long start = System.nanoTime();
        long total = plan.totals().totalBytes();
        long cap = plan.options().maxSize();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "stowage-archive");
            t.setDaemon(true);
            return t;
        });
        listener.onStart(plan.totals());
        try {
            for (ArchiveDay day : plan) {
                if (cancelled) {
                    break;
                }
                List<Future<?>> jobs = new ArrayList<>();
                for (ArchiveAction a : day.actions()) {
                    if (a.action() == ArchiveActionType.TRANSCODE) {
                        jobs.add(pool.submit(() -> transcode(a)));
                    }
                }
                for (Future<?> f : jobs) {
                    await(f);
                }
                for (ArchiveAction a : day.actions()) {
                    if (cancelled) {
                        break;
                    }
                    switch (a.action()) {
                        case TRANSCODE -> { }
                        case SKIP -> {
                            skipped.incrementAndGet();
                            listener.onActionDone(a, true, a.reason());
                        }
                        case TRASH, DELETE -> {
                            if (a.verifiedBy() != null) {
                                removeSource(a);
                            } else if (cap >= 0 && a.reason().startsWith(Planner.SIZE_CAP)
                                    && total + bytesOut.get() - freed.get() <= cap) {
                                skipped.incrementAndGet();
                                listener.onActionDone(a, true, "size cap already met; kept");
                            } else {
                                delete(a);
                            }
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long folders = cancelled ? 0 : removeEmptyFolders();
        long after = total + bytesOut.get() - freed.get();
        boolean capMet = cap < 0 || after <= cap;
        if (!capMet && !cancelled) {
            LOG.warn("the total {} bytes stays over --max-size {}: only the trash{} may be removed, and nothing"
                    + " more of it is left; raise the cap, add --clean-output, or free space elsewhere", after, cap,
                    plan.options().cleanOutput() ? " and archived outputs" : "");
        }
        ArchiveStatus status = cancelled ? ArchiveStatus.INTERRUPTED
                : failures.isEmpty() && capMet ? ArchiveStatus.COMPLETE : ArchiveStatus.PARTIAL;
        return new ArchiveReport(status, transcoded.get(), trashed.get(), deleted.get(), skipped.get(),
                failures.size(), bytesIn.get(), bytesOut.get(), freed.get(), folders, after, cap, capMet, cancelled,
                Duration.ofNanos(System.nanoTime() - start), failures);
    }

    private void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("archive worker failed", e.getCause());
        }
    }

    private void transcode(ArchiveAction a) {
        if (cancelled) {
            return;
        }
        listener.onActionStart(a);
        String changed = changed(a);
        if (changed != null) {
            failedOutputs.add(a.target());
            skipped.incrementAndGet();
            LOG.info("skipping {}: {}", a.path(), changed);
            listener.onActionDone(a, false, changed);
            return;
        }
        LOG.info("transcoding {} -> {}", a.path(), a.target());
        TranscodeRequest req = TranscodeRequest.of(a.path(), a.target(), plan.options().preset())
                .withOverwrite(!plan.options().skipArchived())
                .withListener(TranscodeListener.progress(e -> listener.onTranscodeProgress(a, e)));
        try {
            Files.createDirectories(a.target().getParent());
            TranscodeJob job = transcoder.submit(req);
            running.add(job);
            if (cancelled) {
                job.cancel();
            }
            TranscodeReport r;
            try {
                r = job.await();
            } finally {
                running.remove(job);
            }
            verified.add(a.target());
            transcoded.incrementAndGet();
            bytesIn.addAndGet(a.bytes());
            bytesOut.addAndGet(r.outputSize());
            LOG.info("archived {} ({} -> {} bytes, {}, verified)", a.path(), a.bytes(), r.outputSize(),
                    r.videoEncoder());
            listener.onActionDone(a, true, "verified " + r.outputSize() + " bytes, " + r.videoEncoder());
        } catch (TranscodeCancelledException e) {
            failedOutputs.add(a.target());
            LOG.info("stopped transcoding {}: the source is untouched", a.path());
            listener.onActionDone(a, false, "interrupted; source untouched");
        } catch (TranscodeException | IOException e) {
            failedOutputs.add(a.target());
            fail(a, "transcode failed, source kept: " + e.getMessage());
        }
    }

    private void removeSource(ArchiveAction a) {
        Path output = a.verifiedBy();
        if (failedOutputs.contains(output)) {
            skipped.incrementAndGet();
            listener.onActionDone(a, false, "kept: its transcode did not complete");
            return;
        }
        listener.onActionStart(a);
        if (!verified.contains(output)) {
            String problem = verifyExisting(output, a);
            if (problem != null) {
                failedOutputs.add(output);
                fail(a, "kept: the existing output " + output + " " + problem
                        + "; delete it (or run with --no-skip) to transcode again");
                return;
            }
            verified.add(output);
        }
        String changed = changed(a);
        if (changed != null) {
            skipped.incrementAndGet();
            listener.onActionDone(a, false, changed);
            return;
        }
        if (a.action() == ArchiveActionType.DELETE) {
            delete(a);
            return;
        }
        try {
            Path target = moveToTrash(a.path(), a.target());
            trashed.incrementAndGet();
            LOG.info("moved {} to the trash as {}", a.path(), target);
            listener.onActionDone(a, true, "trashed as " + target);
        } catch (IOException e) {
            fail(a, "cannot move to the trash: " + e);
        }
    }

    private void delete(ArchiveAction a) {
        listener.onActionStart(a);
        try {
            if (Files.deleteIfExists(a.path())) {
                deleted.incrementAndGet();
                freed.addAndGet(a.bytes());
                LOG.info("deleted {} ({})", a.path(), a.reason());
            }
            listener.onActionDone(a, true, "deleted");
        } catch (IOException e) {
            fail(a, "cannot delete: " + e);
        }
    }

    /** Moves without ever replacing: a clash takes {@code NAME.1.ext}, {@code NAME.2.ext}, ... */
    static Path moveToTrash(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        for (int i = 0; ; i++) {
            Path t = i == 0 ? target : target.resolveSibling(name.substring(0, dot) + "." + i + name.substring(dot));
            if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                return Files.move(source, t);
            } catch (FileAlreadyExistsException e) {
                // taken meanwhile: next number
            }
        }
    }

    /** Null when the file still has the size and time it had when planned; else why not. */
    private static String changed(ArchiveAction a) {
        try {
            BasicFileAttributes now = Files.readAttributes(a.path(), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (now.size() != a.bytes() || !now.lastModifiedTime().toInstant().equals(a.modified())) {
                return "changed since planned (" + a.bytes() + " -> " + now.size()
                        + " bytes): still being written; next run";
            }
            return null;
        } catch (NoSuchFileException e) {
            return "gone since planned";
        } catch (IOException e) {
            return "cannot read: " + e;
        }
    }

    /** Null when the output probes and its duration is within max(0.5 s, 1 %) of the source's; else the problem. */
    private String verifyExisting(Path output, ArchiveAction a) {
        Path source = a.path();
        if (!source.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".mp4")) {
            return "was not verified with its recording";
        }
        try {
            MediaInfo out = transcoder.probe(output);
            MediaInfo in = transcoder.probe(source);
            if (out.size() <= 0) {
                return "is empty";
            }
            if (in.duration() != null) {
                double d = in.durationSeconds();
                double diff = out.duration() == null ? Double.POSITIVE_INFINITY
                        : Math.abs(out.durationSeconds() - d);
                if (diff > Math.max(0.5, d * 0.01)) {
                    return "lasts " + (out.duration() == null ? "unknown" : out.durationSeconds()) + " s against "
                            + d + " s of the source";
                }
            }
            return null;
        } catch (TranscodeException e) {
            return "does not verify: " + e.getMessage();
        }
    }

    private void fail(ArchiveAction a, String reason) {
        LOG.warn("{}: {}", a.path(), reason);
        failures.add(new ArchiveFailure(a.action(), a.path(), reason));
        listener.onActionDone(a, false, reason);
    }

    /** Removes empty YYYY, MM and DD folders below the three roots (never a root itself). */
    private long removeEmptyFolders() {
        long n = 0;
        Layout l = plan.layout();
        for (Layout.Tree t : Layout.Tree.values()) {
            n += removeEmpty(l, t, l.root(t));
        }
        return n;
    }

    private long removeEmpty(Layout l, Layout.Tree tree, Path dir) {
        long n = 0;
        List<Path> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            ds.forEach(subdirs::add);
        } catch (IOException e) {
            return 0;
        }
        for (Path d : subdirs) {
            if (l.otherTree(tree, d) || Files.isSymbolicLink(d)) {
                continue;
            }
            n += removeEmpty(l, tree, d);
            if (d.getFileName().toString().matches("\\d{2}|\\d{4}")) {
                try {
                    Files.delete(d);
                    n++;
                } catch (IOException e) {
                    // not empty
                }
            }
        }
        return n;
    }
}
