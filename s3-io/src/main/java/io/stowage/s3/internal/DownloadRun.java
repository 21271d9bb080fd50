package io.stowage.s3.internal;

import io.stowage.s3.S3Errors;
import io.stowage.s3.ETags;
import io.stowage.s3.DownloadOptions;
import io.stowage.s3.FileOutcome;
import io.stowage.s3.RemoteObject;
import io.stowage.s3.S3Location;
import io.stowage.s3.TransferListener;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UnsafeKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static io.stowage.s3.internal.UploadRun.safe;

/**
 * One download run: a listing producer (this thread), a bounded hand-off to {@code workers} threads, and a shared pool
 * for ranged parts of big objects. Every file is written to a temporary name in its folder, verified, made durable
 * (in batches by {@link BatchedCommits}, or fsynced alone, see {@link DownloadOptions.Durability}) and renamed. Used
 * once.
 */
public final class DownloadRun {
    private static final Logger LOG = LoggerFactory.getLogger(DownloadRun.class);
    /** A batch of finished files is synced and renamed at this many files, bytes, or this long after its first. */
    static final int BATCH_FILES = 4096;
    static final long BATCH_BYTES = 256L << 20;
    static final Duration BATCH_LINGER = Duration.ofMillis(100);
    static final String TEMP_MARKER = ".stowage-part-";

    private final S3Client s3;
    private final DownloadOptions opts;
    private final TransferListener listener;
    private final S3Location source;
    private final Path root;
    private final Cancellation cancellation;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong listRequests = new AtomicLong();
    private final Retrier retrier;
    private final ProgressTracker tracker = new ProgressTracker();
    private final AtomicLong transferred = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytesTransferred = new AtomicLong();
    private final AtomicLong bytesSkipped = new AtomicLong();
    private final ConcurrentLinkedQueue<TransferReport.Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TransferReport.Failure> ignored = new ConcurrentLinkedQueue<>();
    private final InFlight inFlight;
    private final ExecutorService workers;
    private final ExecutorService parts;
    private final ScheduledExecutorService timer;
    private final java.util.Set<Path> madeFolders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The lean data path for S3-compatible endpoints, or null: the SDK client sends everything. */
    private final DirectS3 direct;
    /** Batched durability and renames, or null: each worker fsyncs and renames its own files. */
    private BatchedCommits commits;
    /** Per folder: whether {@link #commits} covers it (same file system as the root). */
    private final Map<Path, Boolean> batchedFolders = new java.util.concurrent.ConcurrentHashMap<>();

    public DownloadRun(S3Client s3, DownloadOptions opts, TransferListener listener, S3Location source, Path root,
                       Cancellation cancellation) {
        this.s3 = s3;
        this.opts = opts;
        this.listener = listener;
        this.source = source;
        this.root = root.toAbsolutePath().normalize();
        this.cancellation = cancellation;
        this.retrier = new Retrier(opts.retry(), retries, cancellation);
        this.inFlight = new InFlight(opts.workers() * 2, cancellation);
        this.workers = Executors.newFixedThreadPool(opts.workers(), UploadRun.threads("stowage-download"));
        this.parts = Executors.newFixedThreadPool(opts.workers(), UploadRun.threads("stowage-download-part"));
        this.timer = Executors.newSingleThreadScheduledExecutor(UploadRun.threads("stowage-download-timer"));
        this.direct = DirectS3.forClient(s3, opts.workers() * 2).orElse(null);
    }

    /** Downloads every object under the prefix: folder by folder (delimiter listings) or in flat pages. */
    public TransferReport runPrefix() {
        boolean byFolder = opts.listing() == io.stowage.s3.UploadOptions.Listing.BY_FOLDER;
        return run(() -> {
            java.util.Deque<String> pending = new java.util.ArrayDeque<>();
            pending.push(source.prefix());
            while (!pending.isEmpty()) {
                String prefix = pending.pop();
                List<String> subfolders = new ArrayList<>();
                String token = null;
                do {
                    cancellation.check();
                    String t = token;
                    DirectS3.Listing resp;
                    try {
                        resp = retrier.run(() -> cancellation.interruptible(() -> RemoteIndex.list(s3, direct,
                                source.bucket(), prefix, byFolder ? "/" : null, t))).value();
                    } catch (CancelledException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new UploadRun.ListingFailedException("cannot list " + source + ": "
                                + S3Errors.describe(e), e);
                    }
                    listRequests.incrementAndGet();
                    for (RemoteObject o : resp.objects()) {
                        offer(o);
                    }
                    subfolders.addAll(resp.prefixes());
                    token = resp.nextToken();
                } while (token != null);
                for (int i = subfolders.size() - 1; i >= 0; i--) {
                    pending.push(subfolders.get(i));   // depth first, in key order
                }
            }
        });
    }

    /** Downloads the given keys (each under the source prefix); sizes come from one HEAD per key. */
    public TransferReport runKeys(Iterator<String> keys) {
        return run(() -> {
            while (keys.hasNext()) {
                cancellation.check();
                String key = keys.next();
                if (!key.startsWith(source.prefix())) {
                    String rel = key;
                    fail(rel, key, 0, "key is not under the prefix " + source);
                    continue;
                }
                try {
                    SafePaths.resolve(root, key, source.relative(key));
                } catch (UnsafeKeyException e) {
                    tracker.found(0);
                    fail(source.relative(key), key, 0, e.getMessage());
                    continue;
                }
                HeadObjectResponse h;
                try {
                    h = retrier.run(() -> s3.headObject(b -> b.bucket(source.bucket()).key(key))).value();
                } catch (CancelledException e) {
                    throw e;
                } catch (Exception e) {
                    fail(source.relative(key), key, 0, S3Errors.describe(e));
                    continue;
                }
                offer(new RemoteObject(key, h.contentLength(), ETags.unquote(h.eTag()), h.lastModified()));
            }
        });
    }

    private interface Producer {
        void produce() throws CancelledException;
    }

    private TransferReport run(Producer producer) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        if (opts.durability() == DownloadOptions.Durability.BATCHED) {
            commits = openCommits();
        }
        Future<?> progress = timer.scheduleAtFixedRate(() -> safe(() -> listener.onProgress(tracker.snapshot())),
                opts.progressInterval().toMillis(), opts.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
        try {
            producer.produce();
            tracker.scanComplete();
            inFlight.awaitAll();
        } catch (CancelledException e) {
            LOG.info("download from {} cancelled", source);
        } finally {
            if (cancellation.isCancelled()) {
                // parts are interrupted (their upload is aborted below); a whole-object request already on the
                // wire is let finish, so the report says exactly what was stored
                parts.shutdownNow();
                workers.shutdown();
                awaitQuietly(parts);
                awaitQuietly(workers);
            } else {
                workers.shutdown();
                parts.shutdown();
            }
            if (commits != null) {
                awaitQuietly(workers);   // after a failed listing workers may still be finishing files
                commits.close();         // what is complete and verified gets its name, even when cancelled
            }
            progress.cancel(false);
            timer.shutdownNow();
            if (direct != null) {
                direct.close();
            }
        }
        safe(() -> listener.onProgress(tracker.snapshot()));
        return new TransferReport(transferred.get(), skipped.get(), failed.get(), bytesTransferred.get(),
                bytesSkipped.get(), retries.get(), listRequests.get(), startedAt,
                Duration.ofNanos(System.nanoTime() - t0), cancellation.isCancelled(), new ArrayList<>(failures),
                new ArrayList<>(ignored));
    }

    /** The committer for batched durability, or null where syncfs cannot be used (each file is fsynced then). */
    private BatchedCommits openCommits() {
        Path at = root;
        while (at != null && !Files.isDirectory(at)) {
            at = at.getParent();   // the root may not exist yet: its nearest existing ancestor is on its file system
        }
        if (at == null) {
            return null;
        }
        try {
            return SyncFs.open(at).map(fs -> new BatchedCommits(fs, BATCH_FILES, BATCH_BYTES, BATCH_LINGER,
                    Math.max(BATCH_FILES, 4 * opts.workers()))).orElse(null);
        } catch (LinkageError e) {   // JNA left off the class path
            LOG.info("syncfs is not available ({}): each downloaded file is fsynced", e.toString());
            return null;
        }
    }

    /** Whether files of {@code dir} go through {@link #commits}: batched durability, on the root's file system. */
    private boolean batched(Path dir) {
        if (commits == null) {
            return false;
        }
        return batchedFolders.computeIfAbsent(dir, d -> {
            try {
                return commits.covers(d);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void awaitQuietly(ExecutorService e) {
        try {
            e.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(RemoteObject o) throws CancelledException {
        String rel = source.relative(o.key());
        if (o.key().endsWith("/") && o.size() == 0) {
            ignored.add(new TransferReport.Failure(rel, o.key(), "folder marker (empty object ending in '/')"));
            return;
        }
        tracker.found(Math.max(0, o.size()));
        Path target;
        try {
            target = SafePaths.resolve(root, o.key(), rel);
        } catch (UnsafeKeyException e) {
            fail(rel, o.key(), o.size(), e.getMessage());
            return;
        }
        inFlight.acquireSlot();
        inFlight.begin();
        try {
            workers.execute(() -> {
                try {
                    process(o, rel, target);
                } finally {
                    inFlight.releaseSlot();
                    inFlight.done();
                }
            });
        } catch (RuntimeException e) {
            inFlight.releaseSlot();
            inFlight.done();
            throw e;
        }
    }

    private void process(RemoteObject o, String rel, Path target) {
        if (cancellation.isCancelled()) {
            return;
        }
        try {
            BasicFileAttributes existing = attributesOrNull(target);
            if (alreadyThere(o, target, existing)) {
                skipped.incrementAndGet();
                bytesSkipped.addAndGet(o.size());
                tracker.accounted(o.size());
                tracker.fileDone(false);
                safe(() -> listener.onFile(new FileOutcome(rel, o.key(), FileOutcome.Status.SKIPPED, o.size(), 0,
                        o.eTag(), "already present (" + opts.skip() + ")")));
                return;
            }
            download(o, rel, target, existing);
        } catch (CancelledException e) {
            fail(rel, o.key(), o.size(), "cancelled before it was written");
        } catch (LocalFileException e) {
            fail(rel, o.key(), o.size(), e.getMessage());
        } catch (Exception e) {
            fail(rel, o.key(), o.size(), cancellation.isCancelled() ? "cancelled before it was written"
                    : S3Errors.describe(e));
        }
    }

    /** A file is under its final name: count it and tell the listener. */
    private void transferred(RemoteObject o, String rel, Retrier.Result<String> r) {
        transferred.incrementAndGet();
        bytesTransferred.addAndGet(o.size());
        tracker.fileDone(false);
        safe(() -> listener.onFile(new FileOutcome(rel, o.key(), FileOutcome.Status.TRANSFERRED, o.size(),
                r.attempts(), r.value(), null)));
    }

    /** The target's attributes (not following links), or null when there is nothing there (or it is unreadable). */
    private static BasicFileAttributes attributesOrNull(Path target) {
        try {
            return Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;   // missing, or unreadable here: the download will say what is wrong
        }
    }

    private boolean alreadyThere(RemoteObject o, Path target, BasicFileAttributes a) throws LocalFileException {
        if (opts.skip() == DownloadOptions.Skip.NEVER || a == null) {
            return false;
        }
        if (!a.isRegularFile() || a.size() != o.size()) {
            return false;
        }
        if (opts.skip() == DownloadOptions.Skip.SAME_SIZE_AND_CHECKSUM && o.isSinglePartMd5()) {
            try {
                return Md5s.hex(Md5s.ofFile(target, 0, a.size())).equalsIgnoreCase(o.eTag());
            } catch (IOException e) {
                throw new LocalFileException("cannot read " + target + " for the checksum check: " + e, e);
            }
        }
        return true;
    }

    private void fail(String rel, String key, long size, String reason) {
        failed.incrementAndGet();
        failures.add(new TransferReport.Failure(rel, key, reason));
        tracker.accounted(Math.max(0, size));
        tracker.fileDone(true);
        safe(() -> listener.onFile(new FileOutcome(rel, key, FileOutcome.Status.FAILED, size, 0, null, reason)));
    }

    private void createFolders(Path dir) throws LocalFileException {
        if (madeFolders.contains(dir)) {
            return;   // one mkdir per folder and run, not one per file
        }
        try {
            Files.createDirectories(dir);
            madeFolders.add(dir);
        } catch (IOException e) {
            Path p = dir;
            while (p != null && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                p = p.getParent();
            }
            if (p != null) {
                throw new LocalFileException("cannot create folder " + dir + ": a file is in the way at " + p, e);
            }
            throw new LocalFileException("cannot create folder " + dir + ": " + e, e);
        }
    }

    /**
     * Downloads into a temporary file, then renames it over the target and reports it, here or, with batched
     * durability, on the committing thread once its batch is on disk.
     */
    private void download(RemoteObject o, String rel, Path target, BasicFileAttributes existing)
            throws Exception {
        Path dir = target.getParent();
        createFolders(dir);
        if (existing != null && existing.isDirectory()) {
            throw new LocalFileException("cannot write " + target + ": a folder is in the way", null);
        }
        if (!opts.overwrite() && existing != null) {
            throw new LocalFileException(target + " exists and differs from the object (" + o.size()
                    + " bytes); left alone, overwriting is off (--force overwrites)", null);
        }
        String name = target.getFileName().toString();
        if (name.length() > 50) {
            // the temporary name must stay under the 255-byte file name limit (50 chars are at most 200 UTF-8 bytes)
            name = name.substring(0, Character.isHighSurrogate(name.charAt(49)) ? 49 : 50);
        }
        Path temp = dir.resolve("." + name + TEMP_MARKER + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean moved = false;
        boolean batched = batched(dir);
        try {
            Retrier.Result<String> r;
            Head[] head = new Head[1];
            if (rangesHelp(o)) {
                r = ranged(o, temp, head, !batched);
            } else {
                r = retrier.run(() -> whole(o, temp, head, !batched));
            }
            setMtime(temp, head[0], o);
            if (batched) {
                if (commits.submit(temp, target, o.size(), () -> transferred(o, rel, r),
                        reason -> fail(rel, o.key(), o.size(), reason))) {
                    moved = true;   // the committer owns the temporary file now
                    return;
                }
                // the run is ending (a worker that outlived it): make this file durable here
                String failure = BatchedCommits.fsync(temp);
                if (failure != null) {
                    throw new LocalFileException(failure, null);
                }
            }
            String failure = BatchedCommits.rename(temp, target);
            if (failure != null) {
                throw new LocalFileException(failure, null);
            }
            moved = true;
            transferred(o, rel, r);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("could not delete temporary file {}: {}", temp, e.toString());
                }
            }
        }
    }

    /**
     * Ranges add streams only where workers would otherwise idle: a big object while fewer files are pending than
     * there are workers (one big file, the tail of a run). While every worker has a file, one GET per file costs less:
     * one stream per file, no writers contending for one file's lock, the checksum taken as it streams (measured:
     * 20 x 64 MiB with 16 workers, whole GETs used about 0.6 of the client CPU of four ranges each).
     */
    private boolean rangesHelp(RemoteObject o) {
        return o.size() >= opts.rangedThreshold()
                && (inFlight.pending() < opts.workers() || o.size() >= ALWAYS_RANGED_PARTS * opts.partSize());
    }

    /**
     * Objects of at least this many ranges always come as ranges: a failed request then costs one range again, not
     * the whole object (128 MiB with the default 16 MiB ranges).
     */
    static final int ALWAYS_RANGED_PARTS = 8;

    /**
     * What a GET answered besides the bytes. {@code crc32c}: the object's CRC-32C from its {@code stowage-crc32c}
     * metadata (recorded by our uploads), or null.
     */
    private record Head(Long contentLength, String eTag, String mtimeMetadata, Integer crc32c, Instant lastModified) {}

    /** An open GET: its headers and its body, from the direct path or the SDK. */
    private record Opened(Head head, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private Opened get(String key, String range, String ifMatch) {
        if (direct != null) {
            DirectS3.Got got = direct.get(source.bucket(), key, range, ifMatch);
            return new Opened(new Head(got.contentLength() < 0 ? null : got.contentLength(), got.eTag(),
                    got.mtimeMetadata(), Crc32cs.parse(got.crc32cMetadata()), got.lastModified()),
                    new NetworkStream(got.body()));
        }
        ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(source.bucket()).key(key).range(range)
                .ifMatch(ifMatch));
        GetObjectResponse r = in.response();
        // user metadata keys as the store sent them: compared without case (S3 lowercases them, others may not)
        Map<String, String> meta = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (r.metadata() != null) {
            meta.putAll(r.metadata());
        }
        return new Opened(new Head(r.contentLength(), r.eTag(), meta.get(UploadRun.MTIME_METADATA),
                Crc32cs.parse(meta.get(Crc32cs.METADATA)), r.lastModified()), in);
    }

    /** A response body whose read failures are network failures (retried), as the SDK reports them. */
    private static final class NetworkStream extends java.io.FilterInputStream {
        NetworkStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("reading the object failed: "
                        + e, e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static void setMtime(Path temp, Head resp, RemoteObject o) {
        Instant t = null;
        String m = resp == null ? null : resp.mtimeMetadata();
        if (m != null) {
            try {
                t = Instant.parse(m);
            } catch (DateTimeParseException e) {
                t = null;
            }
        }
        if (t == null) {
            t = resp != null && resp.lastModified() != null ? resp.lastModified() : o.lastModified();
        }
        if (t != null) {
            try {
                // access time too (as rclone does): given both, the JDK sets them without reading the file's first
                FileTime ft = FileTime.from(t);
                Files.getFileAttributeView(temp, BasicFileAttributeView.class).setTimes(ft, ft, null);
            } catch (IOException e) {
                LOG.debug("cannot set the modification time of {}: {}", temp, e.toString());
            }
        }
    }

    private FileChannel openTemp(Path temp) throws LocalFileException {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + temp + ": " + e, e);
        }
    }

    /**
     * GET the whole object into temp, checking as it streams; verify the size, and the CRC-32C our upload recorded
     * or else the MD5 a single-part ETag is. Its bytes count into the progress as they arrive; a failed attempt takes
     * them back (it is retried from the start, or the file fails).
     */
    private String whole(RemoteObject o, Path temp, Head[] head, boolean fsync) throws Exception {
        long written = 0;   // also counted into the progress as it arrives; taken back when this attempt fails
        try {
            MessageDigest md = null;
            CRC32C crc = null;
            String eTag;
            try (Opened got = get(o.key(), null, null);
                 FileChannel ch = openTemp(temp);
                 DirectRegion.Target dt = o.size() >= DirectRegion.MIN_FILE ? DirectRegion.open(temp) : null;
                 DirectRegion region = dt == null ? null : new DirectRegion(dt, ch, 0)) {
                head[0] = got.head();
                eTag = ETags.unquote(got.head().eTag());
                if (got.head().crc32c() != null) {
                    crc = new CRC32C();
                } else if (ETags.isPlainMd5(eTag)) {
                    md = Md5s.newDigest();
                }
                InputStream in = got.body();
                byte[] buf = BUFFERS.get();
                int n;
                while ((n = fill(in, buf)) > 0) {   // whole buffers: one write per 128 KiB, not per socket read
                    if (cancellation.isCancelled()) {
                        throw new CancelledException();
                    }
                    if (crc != null) {
                        crc.update(buf, 0, n);
                    } else if (md != null) {
                        md.update(buf, 0, n);
                    }
                    int k = n;
                    writing(temp, region != null ? () -> region.write(buf, 0, k) : () -> {
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, k);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    });
                    written += n;
                    tracker.transferred(n);
                }
                if (region != null) {
                    long size = written;
                    writing(temp, () -> {
                        region.finish(true);
                        ch.truncate(size); // the padding of the last block
                    });
                }
                if (fsync) {
                    force(ch, temp);
                }
            }
            long expected = head[0].contentLength() == null ? o.size() : head[0].contentLength();
            if (written != expected) {
                throw new ChecksumMismatchException("received " + written + " bytes of " + o.key() + ", expected "
                        + expected);
            }
            if (crc != null) {
                checkCrc(o, eTag, head[0].crc32c(), (int) crc.getValue(), temp, written, "the received bytes");
            } else if (md != null && !Md5s.hex(md.digest()).equalsIgnoreCase(eTag)) {
                throw new ChecksumMismatchException("MD5 of the received bytes of " + o.key() + " differs from ETag "
                        + eTag);
            }
            return eTag;
        } catch (Exception e) {
            tracker.takeBack(written);
            throw e;
        }
    }

    /** Reads until {@code buf} is full or the stream ends; the bytes read (0 at the end). */
    private static int fill(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int k = in.read(buf, n, buf.length - n);
            if (k < 0) {
                break;
            }
            n += k;
        }
        return n;
    }

    /** A write to a temporary file. */
    private interface FileWrite {
        void run() throws IOException;
    }

    /** Runs {@code w}; its IOException fails the file as a local one (not retried like a network error). */
    private static void writing(Path temp, FileWrite w) throws LocalFileException {
        try {
            w.run();
        } catch (IOException e) {
            throw new LocalFileException("cannot write " + temp + ": " + e, e);
        }
    }

    private static void force(FileChannel ch, Path temp) throws LocalFileException {
        try {
            ch.force(true);
        } catch (IOException e) {
            throw new LocalFileException("cannot fsync " + temp + ": " + e, e);
        }
    }

    /** Parallel ranged GETs (If-Match the listed ETag, so a replaced object fails instead of mixing versions). */
    private Retrier.Result<String> ranged(RemoteObject o, Path temp, Head[] head, boolean fsync) throws Exception {
        long size = o.size();
        long part = opts.partSize();
        int n = (int) ((size + part - 1) / part);
        // when the ranges are the object's multipart parts, each range's MD5 is its part's: verified as it streams
        boolean partMd5s = o.multipartCount() == n && multipartPartSize(o) == part;
        byte[][] md5s = partMd5s ? new byte[n][] : null;
        // and each range's CRC-32C, combined into the object's to check against the CRC our upload recorded
        int[] crcs = new int[n];
        long[] lengths = new long[n];
        AtomicInteger attempts = new AtomicInteger(1);
        List<Future<?>> futures = new ArrayList<>(n);
        try (FileChannel ch = openTemp(temp);
             DirectRegion.Target dt = size >= DirectRegion.MIN_FILE ? DirectRegion.open(temp) : null) {
            boolean direct = dt != null && dt.aligned(part); // every range then starts on a block boundary
            for (int i = 0; i < n; i++) {
                long off = i * part;
                long len = Math.min(part, size - off);
                boolean first = i == 0;
                int index = i;
                futures.add(parts.submit(() -> {
                    Retrier.Result<Void> r = retrier.run(() -> {
                        try (Opened got = get(o.key(), "bytes=" + off + "-" + (off + len - 1),
                                o.eTag() == null ? null : "\"" + o.eTag() + "\"");
                             DirectRegion region = direct ? new DirectRegion(dt, ch, off) : null) {
                            if (first) {
                                head[0] = got.head();
                            }
                            InputStream in = got.body();
                            MessageDigest md = partMd5s ? Md5s.newDigest() : null;
                            CRC32C crc = new CRC32C();
                            byte[] buf = BUFFERS.get();
                            long pos = off;
                            int k;
                            while ((k = fill(in, buf)) > 0) {
                                if (cancellation.isCancelled()) {
                                    throw new CancelledException();
                                }
                                if (pos + k > off + len) {
                                    throw new ChecksumMismatchException("range of " + o.key() + " returned more than "
                                            + len + " bytes");
                                }
                                if (md != null) {
                                    md.update(buf, 0, k);
                                }
                                crc.update(buf, 0, k);
                                int read = k;
                                long at = pos;
                                writing(temp, region != null ? () -> region.write(buf, 0, read) : () -> {
                                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, read);
                                    for (long p = at; bb.hasRemaining(); ) {
                                        p += ch.write(bb, p);
                                    }
                                });
                                pos += k;
                            }
                            if (pos != off + len) {
                                throw new ChecksumMismatchException("range " + off + "-" + (off + len - 1) + " of "
                                        + o.key() + " returned " + (pos - off) + " bytes");
                            }
                            if (region != null) {
                                writing(temp, () -> region.finish(off + len == size));
                            }
                            if (md != null) {
                                md5s[index] = md.digest();
                            }
                            crcs[index] = (int) crc.getValue();
                            lengths[index] = len;
                        }
                        return null;
                    });
                    attempts.addAndGet(r.attempts() - 1);
                    tracker.transferred(len);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                Futures.await(f);
            }
            if (direct) {
                writing(temp, () -> ch.truncate(size)); // the padding of the last block
            }
            if (fsync) {
                force(ch, temp);
            }
        } catch (Exception e) {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
            throw e;
        }
        Integer recorded = head[0] == null ? null : head[0].crc32c();
        if (recorded != null) {
            // no second pass over the file (unless the CRC disagrees: then the MD5 ETag has the last word)
            checkCrc(o, o.eTag(), recorded, Crc32cs.combineAll(crcs, lengths), temp, size, "its " + n + " ranges");
        } else if (partMd5s) {
            String etag = Md5s.multipartETag(md5s);
            if (!etag.equalsIgnoreCase(o.eTag())) {
                LOG.debug("{}: multipart ETag not reproducible with {} byte parts (another uploader's part size); "
                        + "size verified only", o.key(), part);
            }
        } else {
            verifyRanged(o, temp);
        }
        return new Retrier.Result<>(o.eTag(), attempts.get());
    }

    /**
     * The received CRC-32C against the one recorded at upload. When they differ and the ETag is a plain MD5, the
     * file's MD5 decides (one pass): a tool that rewrote the object but kept its metadata leaves a stale CRC.
     */
    private static void checkCrc(RemoteObject o, String eTag, int recorded, int received, Path temp, long size,
                                 String what) throws Exception {
        if (recorded == received) {
            return;
        }
        boolean md5ETag = eTag != null && ETags.isPlainMd5(eTag);
        if (md5ETag) {
            if (Md5s.hex(Md5s.ofFile(temp, 0, size)).equalsIgnoreCase(eTag)) {
                LOG.warn("{}: its {} metadata ({}) does not match its bytes but its MD5 ETag does (rewritten by a tool "
                        + "that kept the metadata?); accepted on the MD5", o.key(), Crc32cs.METADATA,
                        Crc32cs.hex(recorded));
                return;
            }
        }
        throw new ChecksumMismatchException("CRC-32C " + Crc32cs.hex(received) + " of " + what + " of " + o.key()
                + " differs from the " + Crc32cs.hex(recorded) + " recorded in its " + Crc32cs.METADATA
                + " metadata at upload" + (md5ETag ? ", and so does its MD5" : ""));
    }

    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

    /** The part size a multipart ETag's part count makes evident (size / parts rounded up to whole MiB), or 0. */
    private static long multipartPartSize(RemoteObject o) {
        int parts = o.multipartCount();
        if (parts <= 0) {
            return 0;
        }
        long mib = 1L << 20;
        long guess = ((o.size() + parts - 1) / parts + mib - 1) / mib * mib;
        return (o.size() + guess - 1) / guess == parts ? guess : 0;
    }

    /** After ranges: a single-part ETag is the file's MD5; a multipart one is checked when its part size is evident. */
    private static void verifyRanged(RemoteObject o, Path temp) throws Exception {
        if (o.isSinglePartMd5()) {
            String md5 = Md5s.hex(Md5s.ofFile(temp, 0, o.size()));
            if (!md5.equalsIgnoreCase(o.eTag())) {
                throw new ChecksumMismatchException("MD5 " + md5 + " of the downloaded " + o.key()
                        + " differs from its ETag " + o.eTag());
            }
        } else if (o.multipartCount() > 0) {
            long guess = multipartPartSize(o);
            if (guess > 0) {
                String etag = Md5s.multipartETag(temp, o.size(), guess);
                if (!etag.equalsIgnoreCase(o.eTag())) {
                    LOG.debug("{}: multipart ETag not reproducible with {} byte parts (another uploader's part size); "
                            + "size verified only", o.key(), guess);
                }
            }
        }
    }
}
