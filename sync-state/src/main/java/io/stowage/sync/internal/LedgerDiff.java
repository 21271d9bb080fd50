package io.stowage.sync.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.FileTree;
import io.stowage.s3.LocalFile;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3IoException;
import io.stowage.s3.TransferReport;
import io.stowage.sync.SyncException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The plan of an upload: walks the folder (s3-io's {@link FileTree}, with the configured selection) while another
 * thread reads the project's ledger rows, diffs the two
 * (files recorded as uploaded with the same size and mtime are skipped without any S3 request), checks what needs
 * checking (checksums with {@code verify_checksums}, the store's listing with {@code check_remote} or many unknown
 * files), and registers new and changed files in batches. Used on the session's thread only.
 */
final class LedgerDiff {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerDiff.class);
    /** Keys per listing page (S3's and s3-io's page size). */
    private static final int LIST_PAGE = 1000;

    /** One file found by the walk, kept until the ledger has been read. */
    private record Walked(String rel, Path renamedFile, long size, long mtimeNs) {}

    /** A file the ledger has as uploaded, unchanged, whose content is compared with the recorded checksum. */
    private record Verify(Path file, String rel, long size, long mtimeNs, FileTable.Known known) {}

    /** A file the ledger has as uploaded, to be confirmed by the store's listing ({@code check_remote}). */
    private record Confirm(String rel, long size, FileTable.Known known) {}

    private final SyncRun run;
    private final RunCounters n;
    private final int listThreshold;
    private final List<FileTable.NewFile> unknown = new ArrayList<>();
    private final List<FileTable.Requeue> requeue = new ArrayList<>();
    private final List<Verify> verify = new ArrayList<>();
    private final List<Confirm> confirm = new ArrayList<>();
    /** Walked files whose name on disk differs from their key path (or has U+FFFD): only these can collide. */
    private int renamedCount;

    LedgerDiff(SyncRun run, int listThreshold) {
        this.run = run;
        this.n = run.counters;
        this.listThreshold = listThreshold;
    }

    /** Walk + ledger diff + batched registration; no S3 request unless files are unknown or {@code check_remote}. */
    void plan() {
        long p0 = System.nanoTime();
        // the ledger is read on another thread while this one walks the folder; the diff follows
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "stowage-ledger-read");
            t.setDaemon(true);
            return t;
        });
        AtomicLong readNanos = new AtomicLong();
        Future<Map<String, FileTable.Known>> loading = reader.submit(() -> {
            Map<String, FileTable.Known> m = new HashMap<>();
            run.db.files().forEach(run.project.id(), m::put);
            readNanos.set(System.nanoTime() - p0);
            return m;
        });
        reader.shutdown();
        List<Walked> walked;
        List<String> walkProblems = new ArrayList<>();
        try {
            walked = walk(walkProblems);
        } catch (RuntimeException e) {
            loading.cancel(true);
            throw e;
        }
        long pw = System.nanoTime();
        Map<String, FileTable.Known> known = ledgerRows(loading);
        long p1 = System.nanoTime();
        if (renamedCount > 0) {
            walked = withoutCollisions(walked, known);
        }
        for (Walked w : walked) {
            diff(w, known.remove(w.rel()));
        }
        walked.clear();
        long p2 = System.nanoTime();
        if (!walkProblems.isEmpty()) {
            LOG.warn("{} entries could not be read during the walk, e.g. {}", walkProblems.size(),
                    walkProblems.get(0));
            n.failed += walkProblems.size();
        }
        if (!verify.isEmpty()) {
            verifyChecksums();
        }
        n.newFiles = unknown.size();
        if (run.config.checkRemote() || unknown.size() >= listThreshold) {
            matchListing(listPrefix());
        } else {
            for (Confirm c : confirm) {
                n.unchanged++;
                n.unchangedBytes += c.size();
            }
        }
        register();
        LOG.info("{} files: {} unchanged, {} new, {} changed or failed before, {} found in the store "
                        + "(walk {} ms, ledger read {} ms in parallel, diff {} ms, checks and writes {} ms)",
                n.totalFiles, n.unchanged, n.newFiles, n.changed, n.foundInStore, (pw - p0) / 1_000_000,
                readNanos.get() / 1_000_000, (p2 - p1) / 1_000_000, (System.nanoTime() - p2) / 1_000_000);
    }

    private List<Walked> walk(List<String> walkProblems) {
        List<Walked> walked = new ArrayList<>();
        String rootText = run.root.toString();
        int prefixLength = rootText.length() + (rootText.endsWith(File.separator) ? 0 : 1);
        try {
            FileTree.walk(run.root, run.options.selection(), "", new FileTree.Visitor() {
                @Override
                public void onFile(LocalFile f) {
                    String rel = f.relativePath();
                    String onDisk = f.path().toString();
                    // the name on disk differs from the NFC key path (an NFD name): claims must find the real file
                    boolean renamed = onDisk.length() != prefixLength + rel.length() || !onDisk.endsWith(rel);
                    if (renamed || rel.indexOf('\uFFFD') >= 0) {
                        renamedCount++;   // may share its key with another file
                    }
                    walked.add(new Walked(rel, renamed ? f.path() : null, f.size(),
                            FileTable.mtimeNs(f.lastModified())));
                }

                @Override
                public void onFailed(String rel, String reason) {
                    walkProblems.add(rel + ": " + reason);
                    n.failures.add(new TransferReport.Failure(rel, null, reason));
                }

                @Override
                public boolean isStopped() {
                    return run.cancelled();
                }
            });
        } catch (IllegalArgumentException e) {
            throw new SyncException("cannot walk " + run.root + ": " + e.getMessage(), e);
        }
        if (run.cancelled()) {
            throw new SessionRecorder.CancelledWalk();
        }
        return walked;
    }

    /**
     * Takes out files whose key another local file has too ({@code café} in NFC and in NFD, or names differing only
     * in bytes that are not UTF-8): both fail naming each other, and the ledger records the key as failed, so no run
     * uploads either (a re-run would otherwise flip which content the key holds). Only possible where a name on disk
     * differs from its key, so the (rare) renamed files are the only ones looked up.
     */
    private List<Walked> withoutCollisions(List<Walked> walked, Map<String, FileTable.Known> known) {
        Map<String, List<Walked>> byKey = new HashMap<>();
        for (Walked w : walked) {
            if (w.renamedFile() != null || w.rel().indexOf('\uFFFD') >= 0) {
                byKey.computeIfAbsent(w.rel(), k -> new ArrayList<>());
            }
        }
        for (Walked w : walked) {
            List<Walked> same = byKey.get(w.rel());
            if (same != null) {
                same.add(w);
            }
        }
        byKey.values().removeIf(l -> l.size() < 2);
        if (byKey.isEmpty()) {
            return walked;
        }
        List<FileTable.Collided> rows = new ArrayList<>();
        for (List<Walked> group : byKey.values()) {
            Walked first = group.get(0);
            String key = run.target.key(first.rel());
            List<String> names = new ArrayList<>();
            for (Walked w : group) {
                names.add(describe(localName(w)));
            }
            for (int i = 0; i < group.size(); i++) {
                List<String> others = new ArrayList<>(names);
                others.remove(i);
                String reason = "local files " + names.get(i) + " and " + String.join(", ", others)
                        + " both map to the key " + key + " (keys are NFC, undecodable bytes become U+FFFD); "
                        + "neither was uploaded: rename one of them";
                n.failures.add(new TransferReport.Failure(localName(group.get(i)), key, reason));
            }
            n.totalFiles += group.size();
            n.failed += group.size();
            known.remove(first.rel());
            rows.add(new FileTable.Collided(first.rel(), first.size(), first.mtimeNs(), key,
                    "local files " + String.join(", ", names) + " map to the key " + key + "; neither was "
                            + "uploaded: rename one of them"));
            LOG.warn("{} local files map to the key {}: {}; neither is uploaded", group.size(), key, names);
        }
        run.db.files().collide(run.project.id(), run.sessionId, rows);
        n.ledgerRows += rows.size();
        List<Walked> rest = new ArrayList<>(walked.size());
        for (Walked w : walked) {
            if (!byKey.containsKey(w.rel())) {
                rest.add(w);
            }
        }
        return rest;
    }

    /** The file's name under the root as it is on disk. */
    private String localName(Walked w) {
        return w.renamedFile() == null ? w.rel() : run.root.relativize(w.renamedFile()).toString()
                .replace(File.separatorChar, '/');
    }

    /** A name with what tells it apart from a look-alike: its Unicode form, or undecodable bytes. */
    private static String describe(String name) {
        String form = name.indexOf('\uFFFD') >= 0 ? "with bytes that are not UTF-8"
                : Normalizer.isNormalized(name, Normalizer.Form.NFC) ? "NFC" : "not NFC";
        StringBuilder escaped = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || c > 0x7e) {
                escaped.append(c > 0xffff ? String.format("\\U%08X", c) : String.format("\\u%04X", c));
            } else {
                escaped.append((char) c);
            }
        });
        return "'" + escaped + "' (" + form + ")";
    }

    private Map<String, FileTable.Known> ledgerRows(Future<Map<String, FileTable.Known>> loading) {
        try {
            return loading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("interrupted while reading the ledger", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException re ? re : new SyncException("cannot read the ledger "
                    + run.db.where() + ": " + c, c);
        }
    }

    /** Sorts one walked file by what the ledger knows of it ({@code k}, or {@code null}). The hot loop of a re-run. */
    private void diff(Walked w, FileTable.Known k) {
        String rel = w.rel();
        long size = w.size();
        long mtimeNs = w.mtimeNs();
        n.totalFiles++;
        if (w.renamedFile() != null) {
            run.localNames.put(rel, w.renamedFile());
        }
        if (k == null) {
            unknown.add(new FileTable.NewFile(rel, size, mtimeNs, run.target.key(rel), FileStatus.PENDING, null,
                    Recheck.SAME_SIZE));
            return;
        }
        boolean same = k.size() == size && k.mtimeNs() == mtimeNs;
        if (same && k.status() == FileStatus.UPLOADED && !run.config.verifyChecksums()
                && !run.config.checkRemote()) {
            n.unchanged++;   // the hot path of a re-run: nothing else to do
            n.unchangedBytes += size;
            return;
        }
        switch (k.status()) {
            case UPLOADED:
                if (!same) {
                    requeue.add(new FileTable.Requeue(k.id(), size, mtimeNs, run.target.key(rel), Recheck.NONE));
                    n.changed++;
                } else if (run.config.verifyChecksums()) {
                    Path file = w.renamedFile() != null ? w.renamedFile() : run.root.resolve(rel);
                    verify.add(new Verify(file, rel, size, mtimeNs, k));
                } else if (run.config.checkRemote()) {
                    confirm.add(new Confirm(rel, size, k));
                } else {
                    n.unchanged++;
                    n.unchangedBytes += size;
                }
                break;
            case FAILED:
                requeue.add(new FileTable.Requeue(k.id(), size, mtimeNs, run.target.key(rel),
                        Recheck.SAME_SIZE_AND_CHECKSUM));
                n.changed++;
                break;
            case PENDING:
                if (!same) {
                    requeue.add(new FileTable.Requeue(k.id(), size, mtimeNs, run.target.key(rel), Recheck.SAME_SIZE));
                }
                break;
            default:
                break;   // uploading: claimed by a worker now, or taken over after its claim times out
        }
    }

    /** Compares the files to verify with their recorded checksums, reading several at once. */
    private void verifyChecksums() {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(run.options.workers(), 8));
        try {
            List<Future<Boolean>> results = new ArrayList<>(verify.size());
            for (Verify v : verify) {
                results.add(pool.submit(() -> eTagMatches(v.file(), v.size(), v.known().checksum())));
            }
            for (int i = 0; i < verify.size(); i++) {
                Verify v = verify.get(i);
                boolean ok;
                try {
                    ok = results.get(i).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SyncException("interrupted while verifying checksums", e);
                } catch (ExecutionException e) {
                    ok = false;
                }
                if (ok && run.config.checkRemote()) {
                    confirm.add(new Confirm(v.rel(), v.size(), v.known()));
                } else if (ok) {
                    n.unchanged++;
                    n.unchangedBytes += v.size();
                } else {
                    LOG.info("{}: content differs from the checksum in the ledger; uploading it again", v.rel());
                    requeue.add(new FileTable.Requeue(v.known().id(), v.size(), v.mtimeNs(), run.target.key(v.rel()),
                            v.known().checksum() == null ? Recheck.SAME_SIZE_AND_CHECKSUM : Recheck.NONE));
                    n.changed++;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether {@code file} (of {@code size} bytes) has the content the ETag describes (single part or multipart). */
    private boolean eTagMatches(Path file, long size, String eTag) {
        try {
            if (ETags.isPlainMd5(eTag)) {
                return ETags.md5Hex(file).equalsIgnoreCase(eTag);
            }
            int parts = ETags.partCount(eTag);
            long partSize = run.options.partSizeFor(size);
            return parts > 0 && parts == (size + partSize - 1) / partSize
                    && ETags.multipartETag(file, size, partSize).equalsIgnoreCase(eTag);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Resolves unknown files and files to confirm against the store's listing of the prefix. */
    private void matchListing(Map<String, RemoteObject> remote) {
        List<FileTable.NewFile> resolved = new ArrayList<>(unknown.size());
        for (FileTable.NewFile f : unknown) {
            RemoteObject r = remote.get(f.key());
            if (r != null && r.size() == f.size() && (!run.config.verifyChecksums()
                    || eTagMatches(run.root.resolve(f.path()), f.size(), r.eTag()))) {
                resolved.add(new FileTable.NewFile(f.path(), f.size(), f.mtimeNs(), f.key(), FileStatus.UPLOADED,
                        r.eTag(), Recheck.NONE));
                n.foundInStore++;
                n.foundBytes += f.size();
            } else {
                resolved.add(new FileTable.NewFile(f.path(), f.size(), f.mtimeNs(), f.key(), FileStatus.PENDING, null,
                        Recheck.NONE));
            }
        }
        unknown.clear();
        unknown.addAll(resolved);
        for (Confirm c : confirm) {
            RemoteObject r = remote.get(run.target.key(c.rel()));
            FileTable.Known k = c.known();
            boolean ok = r != null && r.size() == c.size() && (k.checksum() == null || r.eTag() == null
                    || r.eTag().equalsIgnoreCase(k.checksum()));
            if (ok) {
                n.unchanged++;
                n.unchangedBytes += c.size();
            } else {
                LOG.info("{}: the ledger has it as uploaded but the store {}; uploading it again", c.rel(),
                        r == null ? "lacks it" : "has size " + r.size() + " ETag " + r.eTag());
                requeue.add(new FileTable.Requeue(k.id(), c.size(), k.mtimeNs(), run.target.key(c.rel()),
                        Recheck.NONE));
                n.changed++;
            }
        }
    }

    /** The store's listing of the prefix (s3-io's, retried), by key; pages of 1,000 keys are counted. */
    private Map<String, RemoteObject> listPrefix() {
        Map<String, RemoteObject> m = new HashMap<>();
        try (Stream<RemoteObject> listing = run.objects.list(run.target.bucket(), run.target.prefix())) {
            for (Iterator<RemoteObject> it = listing.iterator(); it.hasNext() && !run.cancelled(); ) {
                RemoteObject o = it.next();
                m.put(o.key(), o);
            }
        } catch (RuntimeException e) {
            throw new S3IoException("cannot list " + run.target + " to find files already stored: " + e.getMessage()
                    + "; check the endpoint, bucket and credentials", e);
        }
        n.listRequests += Math.max(1, (m.size() + LIST_PAGE - 1) / LIST_PAGE);
        return m;
    }

    /** Writes new files and re-queued ones to the ledger in batches. */
    private void register() {
        long sessionId = run.sessionId;
        for (int i = 0; i < unknown.size(); i += FileTable.BATCH) {
            List<FileTable.NewFile> part = unknown.subList(i, Math.min(unknown.size(), i + FileTable.BATCH));
            run.db.files().insert(run.project.id(), sessionId, part);
            n.ledgerRows += part.size();
        }
        for (int i = 0; i < requeue.size(); i += FileTable.BATCH) {
            List<FileTable.Requeue> part = requeue.subList(i, Math.min(requeue.size(), i + FileTable.BATCH));
            run.db.files().requeue(sessionId, part);
            n.ledgerRows += part.size();
        }
    }
}
