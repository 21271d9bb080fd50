package io.stowage.es.internal;

import io.stowage.es.EsCorruption;
import io.stowage.es.EsException;
import io.stowage.es.EsFailure;
import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsGap;
import io.stowage.es.EsNothingInRangeException;
import io.stowage.es.EsOutputExistsException;
import io.stowage.es.EsResumeException;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsStoreException;
import io.stowage.es.SegmentMissingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * One fetch: plan the keys, read them (fetching ahead in parallel for remote stores), parse, stitch, write, checkpoint.
 * Used by {@code EsToTsParser}; one instance per fetch, driven by one thread.
 */
public final class FetchRun {
    private static final Logger LOG = LoggerFactory.getLogger(FetchRun.class);
    private static final int STATE_VERSION = 1;

    /** One planned segment: in the range, before it (trim preroll), or a hole between listed segments. */
    public record PlanItem(EsSegment segment, boolean preroll, boolean hole) {
    }

    private final EsSegmentStore store;
    private final EsFetchOptions o;
    private final EsFetchListener listener;

    // report accumulators
    private final List<String> missing = new ArrayList<>();
    private final List<EsFailure> failed = new ArrayList<>();
    private final List<EsCorruption> corrupt = new ArrayList<>();
    private int segmentsFetched;
    private int segmentsResumed;

    public FetchRun(EsSegmentStore store, EsFetchOptions options, EsFetchListener listener) {
        this.store = store;
        this.o = options;
        this.listener = listener;
    }

    // ---------------------------------------------------------------- plan

    public static List<PlanItem> plan(EsSegmentStore store, Instant from, Instant to, EsFetchOptions o) {
        Instant pf = o.trim() ? from.minus(o.preroll()) : from;
        List<PlanItem> items = new ArrayList<>();
        if (!o.listing()) {
            for (EsSegment s : EsSegment.covering(pf, to, o.segmentDuration())) {
                items.add(new PlanItem(s, !s.endInstant().isAfter(from), false));
            }
            return items;
        }
        TreeMap<String, EsSegment> byKey = new TreeMap<>();
        long firstHour = Math.floorDiv(pf.getEpochSecond() - 3600, 3600) * 3600;
        for (long h = firstHour; h < to.getEpochSecond(); h += 3600) {
            for (String key : store.list(EsSegment.folderOf(h))) {
                Optional<EsSegment> s = EsSegment.parseKey(key);
                if (s.isPresent() && s.get().overlaps(pf, to)) {
                    byKey.put(key, s.get());
                }
            }
        }
        List<EsSegment> segs = new ArrayList<>(byKey.values());
        segs.sort(null);
        Instant cursor = from;
        for (EsSegment s : segs) {
            boolean pre = !s.endInstant().isAfter(from);
            if (!pre && s.startInstant().isAfter(cursor)) {
                items.add(new PlanItem(hole(cursor, s.startInstant()), false, true));
            }
            items.add(new PlanItem(s, pre, false));
            if (!pre && s.endInstant().isAfter(cursor)) {
                cursor = s.endInstant();
            }
        }
        if (cursor.isBefore(to)) {
            items.add(new PlanItem(hole(cursor, to), false, true));
        }
        return items;
    }

    private static EsSegment hole(Instant f, Instant t) {
        long s = f.getEpochSecond();
        long e = Math.max(s + 1, t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0));
        return new EsSegment("(no segment listed " + f + " .. " + t + ")", s, e);
    }

    // ---------------------------------------------------------------- fetch to a file

    public EsFetchReport toFile(Instant from, Instant to, Path out) {
        long t0 = System.nanoTime();
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        Path part = abs.resolveSibling(abs.getFileName() + ".part");
        Path state = abs.resolveSibling(abs.getFileName() + ".part.json");
        if (Files.exists(abs) && !o.overwrite()) {
            throw new EsOutputExistsException(out);
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new EsException("output folder " + dir + " does not exist; create it first");
        }
        List<PlanItem> plan = plan(store, from, to, o);
        String planHash = planHash(from, to, plan);

        CRC32 crc = new CRC32();
        int startIndex = 0;
        long startBytes = 0;
        Map<String, Object> resumed = null;
        if (o.resume() && Files.exists(part) && Files.exists(state)) {
            resumed = readState(state, planHash);
            long bytes = num(resumed, "bytes");
            long expectCrc = num(resumed, "crc32");
            String why = null;
            try {
                if (bytes == 0) {
                    why = "nothing was written yet";
                } else if (Files.size(part) < bytes) {
                    why = part + " holds " + Files.size(part) + " bytes, the checkpoint says " + bytes;
                } else if (crcOf(part, bytes, crc) != expectCrc) {
                    why = "the first " + bytes + " bytes of " + part + " do not match the checkpoint's CRC-32";
                }
            } catch (IOException e) {
                throw new EsException("cannot read " + part + " to resume: " + e, e);
            }
            if (why != null) {
                LOG.warn("cannot resume from {}: {}; starting again", part, why);
                resumed = null;
                crc.reset();
            } else {
                startIndex = (int) num(resumed, "next_index");
                startBytes = bytes;
            }
        }

        FileChannel ch;
        try {
            if (resumed != null) {
                ch = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.READ);
                ch.truncate(startBytes);
                ch.position(startBytes);
            } else {
                ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException e) {
            throw new EsException("cannot open " + part + " for writing: " + e, e);
        }
        BufferedOut bout = new BufferedOut(ch, crc, startBytes);
        Stitcher st = resumed != null ? rebind(bout, ch, startBytes, from, to, resumed)
                : new Stitcher(bout, o.trim(), ns(from), ns(to), o.maxPrerollBytes());
        segmentsResumed = startIndex;
        Stitcher finalSt = st;
        Checkpointer cp = (nextIndex) -> {
            bout.flush();
            ch.force(false);
            writeState(state, planHash, from, to, nextIndex, bout, finalSt);
        };
        boolean ok = false;
        try {
            run(plan, startIndex, st, bout, cp, dir == null ? Path.of(".") : dir);
            bout.flush();
            ch.force(true);
            ch.close();
            EsFetchReport report = report(from, to, out.toString(), plan, st, bout.written(), t0);
            if (st.records() == 0) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(state);
                ok = true;
                throw new EsNothingInRangeException("no valid record in [" + from + ", " + to + ") at "
                        + store.location() + ": " + missing.size() + " of " + report.segmentsExpected()
                        + " segments missing, " + failed.size() + " failed, " + corrupt.size()
                        + " corrupt ranges; no output written", report);
            }
            move(part, abs);
            Files.deleteIfExists(state);
            ok = true;
            return report;
        } catch (IOException e) {
            throw new EsException("writing " + part + " failed: " + e + "; run again with --resume to continue", e);
        } finally {
            if (!ok) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    /** Builds the stitcher of a resumed fetch: replays the verified prefix and restores counters and lists. */
    private Stitcher rebind(BufferedOut bout, FileChannel replayChannel, long replayBytes, Instant from, Instant to,
            Map<String, Object> s) {
        Stitcher st = new Stitcher(bout, o.trim(), ns(from), ns(to), o.maxPrerollBytes());
        long first = num(s, "first_utc_ns");
        long last = num(s, "last_utc_ns");
        try {
            ByteBuffer buf = ByteBuffer.allocate(188 * 5578);
            long pos = 0;
            while (pos < replayBytes) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), replayBytes - pos));
                int r = replayChannel.read(buf, pos);
                if (r <= 0) {
                    throw new IOException("unexpected end of " + replayChannel);
                }
                pos += r;
                int whole = buf.position() / 188 * 188;
                st.restore(buf.array(), 0, whole, first, last);
                if (whole < buf.position()) {
                    pos -= buf.position() - whole;
                }
            }
        } catch (IOException e) {
            throw new EsException("cannot replay the partial output to resume: " + e, e);
        }
        List<EsGap> gaps = new ArrayList<>();
        for (Object g : list(s, "gaps")) {
            Map<?, ?> m = (Map<?, ?>) g;
            gaps.add(new EsGap(Instant.parse((String) m.get("from")), Instant.parse((String) m.get("to")),
                    (String) m.get("reason")));
        }
        List<?> sus = list(s, "suspect");
        long[] suspect = new long[4];
        for (int i = 0; i < 4; i++) {
            suspect[i] = ((Number) sus.get(i)).longValue();
        }
        st.restoreState(num(s, "records"), num(s, "records_trimmed"), num(s, "discontinuities"), gaps, suspect,
                (String) s.get("suspect_reason"));
        for (Object k : list(s, "missing")) {
            missing.add((String) k);
        }
        for (Object f : list(s, "failed")) {
            Map<?, ?> m = (Map<?, ?>) f;
            failed.add(new EsFailure((String) m.get("key"), (String) m.get("reason"),
                    ((Number) m.get("attempts")).intValue()));
        }
        for (Object c : list(s, "corrupt")) {
            Map<?, ?> m = (Map<?, ?>) c;
            corrupt.add(new EsCorruption((String) m.get("key"), ((Number) m.get("offset")).longValue(),
                    ((Number) m.get("length")).longValue(), (String) m.get("reason")));
        }
        segmentsFetched = (int) num(s, "segments_fetched");
        return st;
    }

    // ---------------------------------------------------------------- fetch to a stream

    public EsFetchReport toStream(Instant from, Instant to, WritableByteChannel out, String name) {
        long t0 = System.nanoTime();
        List<PlanItem> plan = plan(store, from, to, o);
        BufferedOut bout = new BufferedOut(out, new CRC32(), 0);
        Stitcher st = new Stitcher(bout, o.trim(), ns(from), ns(to), o.maxPrerollBytes());
        try {
            run(plan, 0, st, bout, null, Path.of(System.getProperty("java.io.tmpdir")));
            bout.flush();
        } catch (IOException e) {
            throw new EsException("writing to " + name + " failed: " + e, e);
        }
        EsFetchReport report = report(from, to, name, plan, st, bout.written(), t0);
        if (st.records() == 0) {
            throw new EsNothingInRangeException("no valid record in [" + from + ", " + to + ") at "
                    + store.location() + ": " + missing.size() + " of " + report.segmentsExpected()
                    + " segments missing, " + failed.size() + " failed, " + corrupt.size() + " corrupt ranges",
                    report);
        }
        return report;
    }

    // ---------------------------------------------------------------- the loop

    private interface Checkpointer {
        void save(int nextIndex) throws IOException;
    }

    private static final class Fetched {
        final Spool spool;
        final boolean missing;
        final String failure;
        final int attempts;

        Fetched(Spool spool, boolean missing, String failure, int attempts) {
            this.spool = spool;
            this.missing = missing;
            this.failure = failure;
            this.attempts = attempts;
        }
    }

    private void run(List<PlanItem> plan, int startIndex, Stitcher st, BufferedOut bout, Checkpointer cp,
            Path tempDir) throws IOException {
        listener.planned(plan.size(), startIndex);
        RecordParser parser = new RecordParser(o.maxRecordSize(), o.startCode());
        ExecutorService pool = null;
        ArrayDeque<Future<Fetched>> window = new ArrayDeque<>();
        if (store.isRemote()) {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(o.workers(), r -> {
                Thread t = new Thread(r, "stowage-es-fetch-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        long lastCheckpoint = System.nanoTime();
        int next = startIndex;
        try {
            for (int i = startIndex; i < plan.size(); i++) {
                PlanItem item = plan.get(i);
                if (pool != null) {
                    while (next < plan.size() && next < i + o.window()) {
                        PlanItem it = plan.get(next++);
                        window.add(pool.submit(() -> fetch(it, tempDir)));
                    }
                }
                if (item.hole()) {
                    if (pool != null) {
                        window.poll();
                    }
                    st.segmentLost(item.segment().start() * 1_000_000_000L, item.segment().end() * 1_000_000_000L,
                            "no segment");
                } else if (pool != null) {
                    Fetched f = await(window.poll());
                    process(item, f, parser, st);
                } else {
                    processLocal(item, parser, st);
                }
                listener.segmentWritten(item.segment(), bout.written());
                if (cp != null && (i == plan.size() - 1
                        || System.nanoTime() - lastCheckpoint >= o.checkpointInterval().toNanos())) {
                    cp.save(i + 1);
                    lastCheckpoint = System.nanoTime();
                }
            }
            st.finish();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
                for (Future<Fetched> f : window) {
                    f.cancel(true);
                    if (f.isDone() && !f.isCancelled()) {
                        try {
                            Fetched x = f.get();
                            if (x.spool != null) {
                                x.spool.close();
                            }
                        } catch (Exception ignored) {
                            // cleaning up after another failure
                        }
                    }
                }
            }
        }
    }

    private static Fetched await(Future<Fetched> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("fetch interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }

    /** Worker: downloads one segment into a spool, retrying transient failures with backoff. */
    private Fetched fetch(PlanItem item, Path tempDir) throws IOException, InterruptedException {
        if (item.hole()) {
            return new Fetched(null, false, null, 0);
        }
        String key = item.segment().key();
        Spool spool = new Spool(o.spoolMemory(), tempDir);
        for (int attempt = 1; ; attempt++) {
            String reason;
            boolean retry;
            try (EsSegmentStore.SegmentData d = store.open(key)) {
                spool.reset();
                spool.fill(d.channel(), d.size());
                if (d.size() >= 0 && spool.size() != d.size()) {
                    throw new IOException("short read: got " + spool.size() + " of " + d.size() + " bytes");
                }
                return new Fetched(spool, false, null, attempt);
            } catch (SegmentMissingException e) {
                spool.close();
                return new Fetched(null, true, null, attempt);
            } catch (EsStoreException e) {
                reason = e.getMessage();
                retry = e.isTransient();
            } catch (IOException | UncheckedIOException e) {
                reason = "reading " + key + " failed: " + e;
                retry = true;
            } catch (RuntimeException e) {
                reason = "reading " + key + " failed: " + e;
                retry = true;
            }
            if (!retry || attempt >= o.maxAttempts()) {
                spool.close();
                return new Fetched(null, false, reason, attempt);
            }
            long base = o.retryDelay().toMillis() << Math.min(attempt - 1, 16);
            long delay = Math.min(10_000L, base);
            delay = delay / 2 + (delay > 1 ? ThreadLocalRandom.current().nextLong(delay / 2 + 1) : 0);
            listener.retrying(key, attempt, delay, reason);
            LOG.debug("retrying {} in {} ms (attempt {}): {}", key, delay, attempt, reason);
            Thread.sleep(delay);
        }
    }

    private void process(PlanItem item, Fetched f, RecordParser parser, Stitcher st) throws IOException {
        EsSegment seg = item.segment();
        if (f.missing || f.failure != null) {
            lost(item, f.failure, f.attempts, st);
            return;
        }
        try (Spool spool = f.spool) {
            segmentsFetched++;
            parse(item, spool.channel(), spool.size(), parser, st);
        }
        LOG.trace("segment {} done", seg.key());
    }

    private void processLocal(PlanItem item, RecordParser parser, Stitcher st) throws IOException {
        EsSegmentStore.SegmentData d;
        try {
            d = store.open(item.segment().key());
        } catch (SegmentMissingException e) {
            lost(item, null, 1, st);
            return;
        } catch (EsStoreException e) {
            lost(item, e.getMessage(), 1, st);
            return;
        }
        segmentsFetched++;
        try (d) {
            parse(item, d.channel(), d.size(), parser, st);
        } catch (IOException e) {
            if (!item.preroll()) {
                failed.add(new EsFailure(item.segment().key(), "reading failed part way: " + e, 1));
            }
            st.dataLost("failed segment");
        }
    }

    private void lost(PlanItem item, String failure, int attempts, Stitcher st) {
        EsSegment seg = item.segment();
        if (!item.preroll()) {
            if (failure == null) {
                missing.add(seg.key());
            } else {
                failed.add(new EsFailure(seg.key(), failure, attempts));
            }
        }
        st.segmentLost(seg.start() * 1_000_000_000L, seg.end() * 1_000_000_000L,
                failure == null ? "missing segment" : "failed segment");
    }

    private void parse(PlanItem item, ReadableByteChannel ch, long size, RecordParser parser, Stitcher st)
            throws IOException {
        EsSegment seg = item.segment();
        long slack = o.utcSlack().toNanos();
        long min = seg.start() * 1_000_000_000L - slack;
        long max = seg.end() * 1_000_000_000L + slack;
        st.join("discontinuity");
        boolean report = !item.preroll();
        parser.parse(ch, size, min, max, new RecordParser.Sink() {
            @Override
            public void record(long offset, long utcNs, long pcr27Mhz, byte[] buf, int pos, int len)
                    throws IOException {
                st.record(utcNs, buf, pos, len);
            }

            @Override
            public void skipped(long offset, long length, String reason) {
                if (report) {
                    corrupt.add(new EsCorruption(seg.key(), offset, length, reason));
                }
                st.dataLost("corrupt data");
            }

            @Override
            public void empty(long offset) {
                if (report) {
                    corrupt.add(new EsCorruption(seg.key(), offset, RecordParser.HEADER,
                            "empty record: payload size 0 (skipped, no data lost)"));
                }
            }
        });
    }

    // ---------------------------------------------------------------- report and state

    private EsFetchReport report(Instant from, Instant to, String output, List<PlanItem> plan, Stitcher st,
            long bytes, long t0) {
        int expected = 0;
        for (PlanItem p : plan) {
            if (!p.preroll() && !p.hole()) {
                expected++;
            }
        }
        return new EsFetchReport(store.location(), output, from, to,
                st.firstUtc() == Long.MIN_VALUE ? null : Stitcher.instant(st.firstUtc()),
                st.lastUtc() == Long.MIN_VALUE ? null : Stitcher.instant(st.lastUtc()),
                expected, segmentsFetched, segmentsResumed, missing, failed, corrupt, st.gaps(), st.records(),
                st.recordsTrimmed(), st.discontinuities(), bytes, (System.nanoTime() - t0) / 1e9);
    }

    private String planHash(Instant from, Instant to, List<PlanItem> plan) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder();
            sb.append(store.location()).append('|').append(from).append('|').append(to).append('|')
                    .append(o.trim()).append('|').append(o.preroll()).append('|').append(o.startCode()).append('|')
                    .append(o.maxRecordSize()).append('|').append(o.utcSlack());
            for (PlanItem p : plan) {
                sb.append('|').append(p.segment().key());
            }
            return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeState(Path state, String planHash, Instant from, Instant to, int nextIndex, BufferedOut bout,
            Stitcher st) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", STATE_VERSION);
        m.put("source", store.location());
        m.put("from", from.toString());
        m.put("to", to.toString());
        m.put("trim", o.trim());
        m.put("plan_sha256", planHash);
        m.put("next_index", nextIndex);
        m.put("bytes", bout.written());
        m.put("crc32", bout.crc());
        m.put("records", st.records());
        m.put("records_trimmed", st.recordsTrimmed());
        m.put("discontinuities", st.discontinuities());
        m.put("first_utc_ns", st.firstUtc());
        m.put("last_utc_ns", st.lastUtc());
        m.put("segments_fetched", segmentsFetched);
        long[] sus = st.suspectState();
        m.put("suspect", List.of(sus[0], sus[1], sus[2], sus[3]));
        m.put("suspect_reason", st.suspectReason());
        m.put("missing", new ArrayList<Object>(missing));
        List<Object> fl = new ArrayList<>();
        for (EsFailure f : failed) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("key", f.key());
            x.put("reason", f.reason());
            x.put("attempts", f.attempts());
            fl.add(x);
        }
        m.put("failed", fl);
        List<Object> cl = new ArrayList<>();
        for (EsCorruption c : corrupt) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("key", c.key());
            x.put("offset", c.offset());
            x.put("length", c.length());
            x.put("reason", c.reason());
            cl.add(x);
        }
        m.put("corrupt", cl);
        List<Object> gl = new ArrayList<>();
        for (EsGap g : st.gaps()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("from", g.from().toString());
            x.put("to", g.to().toString());
            x.put("reason", g.reason());
            gl.add(x);
        }
        m.put("gaps", gl);
        Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(m), StandardCharsets.UTF_8);
        move(tmp, state);
    }

    private Map<String, Object> readState(Path state, String planHash) {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(state, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new EsResumeException(state, "unreadable resume state (" + e.getMessage()
                    + "); delete it and the .part file, or fetch with --force");
        }
        if (!(parsed instanceof Map<?, ?> raw)) {
            throw new EsResumeException(state, "not a resume state object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        if (!Long.valueOf(STATE_VERSION).equals(m.get("version"))) {
            throw new EsResumeException(state, "state version " + m.get("version") + " is not " + STATE_VERSION);
        }
        if (!planHash.equals(m.get("plan_sha256"))) {
            throw new EsResumeException(state, "belongs to another fetch (source " + m.get("source") + ", "
                    + m.get("from") + " .. " + m.get("to") + ", trim " + m.get("trim")
                    + "); repeat that fetch with --resume, or fetch with --force to start again");
        }
        return m;
    }

    private static long num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Number n)) {
            throw new EsException("resume state lacks the number '" + k + "'");
        }
        return n.longValue();
    }

    private static List<?> list(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof List<?> l ? l : List.of();
    }

    private static long crcOf(Path part, long bytes, CRC32 crc) throws IOException {
        crc.reset();
        try (FileChannel fc = FileChannel.open(part, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < bytes) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), bytes - pos));
                int r = fc.read(buf, pos);
                if (r <= 0) {
                    break;
                }
                crc.update(buf.array(), 0, r);
                pos += r;
            }
        }
        return crc.getValue();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static long ns(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
