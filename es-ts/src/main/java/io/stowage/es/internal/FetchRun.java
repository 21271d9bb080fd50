package io.stowage.es.internal;

import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsFetchStoppedException;
import io.stowage.es.EsNothingInRangeException;
import io.stowage.es.EsOutputExistsException;
import io.stowage.es.EsOutputIoException;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One fetch, to a file (with part files, checkpoints and resume) or to a stream: plans it ({@link FetchPlan}), runs
 * the loop ({@link FetchLoop}) into a {@link Stitcher}, and builds the report ({@link FetchTally}). The entry of
 * {@code EsToTsParser} into this package, hence public (the package is not exported). One instance per fetch, driven
 * by one thread.
 */
public final class FetchRun {
    private final EsSegmentStore store;
    private final EsFetchOptions o;
    private final FetchTally tally;

    public FetchRun(EsSegmentStore store, EsFetchOptions options) {
        this.store = store;
        this.o = options;
        this.tally = new FetchTally(options.maxReported());
    }

    /** The segments a fetch of [from, to) reads, in order, without the holes of listing mode. */
    public static List<EsSegment> segments(EsSegmentStore store, Instant from, Instant to, EsFetchOptions o) {
        List<EsSegment> out = new ArrayList<>();
        FetchPlan plan = FetchPlan.of(store, from, to, o);
        for (int i = 0; i < plan.size(); i++) {
            FetchPlan.Item p = plan.get(i);
            if (!p.hole()) {
                out.add(p.segment());
            }
        }
        return out;
    }

    /** Fetches into {@code out} through {@code OUT.part}, resuming if asked and possible. */
    public EsFetchReport toFile(Instant from, Instant to, Path out) {
        long t0 = System.nanoTime();
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.exists(abs) && !o.overwrite()) {
            throw new EsOutputExistsException(out);
        }
        if (dir != null && !Files.isDirectory(dir)) {
            throw new EsOutputIoException(dir, "output folder " + dir + " does not exist; create it first", null);
        }
        FetchPlan plan = FetchPlan.of(store, from, to, o);
        PartFile pf = new PartFile(abs);
        Path part = pf.part();

        CRC32 crc = new CRC32();
        ResumeCheckpoint resumed = o.resume() ? pf.resumable(plan, crc) : null;
        int startIndex = resumed == null ? 0 : resumed.nextIndex();
        long startBytes = resumed == null ? 0 : resumed.bytes();
        FileChannel ch = pf.open(startBytes, resumed != null);
        BufferedOut bout = new BufferedOut(ch, crc, startBytes);
        Stitcher st = new Stitcher(bout, o.trim(), ns(from), ns(to), o.maxPrerollBytes());
        boolean ok = false;
        try {
            if (resumed != null) {
                pf.replay(ch, startBytes, st);
                st.resume(resumed.snapshot());
                resumed.restore(tally);
            }
            tally.segmentsResumed = startIndex;
            FetchLoop.Checkpointer cp = nextIndex -> {
                bout.flush();
                ch.force(false);
                ResumeCheckpoint.of(store.location(), from, to, o.trim(), plan, nextIndex, bout.written(), bout.crc(),
                        tally, st.snapshot()).write(pf.state());
            };
            try {
                new FetchLoop(store, o, tally).run(plan, startIndex, st, bout, cp, dir == null ? Path.of(".") : dir);
            } catch (FetchLoop.Stopped stopped) {
                bout.flush();
                ch.force(true);
                ch.close();
                ok = true;
                throw new EsFetchStoppedException(tally.report(store.location(), from, to, out.toString(), plan, st,
                        bout.written(), t0), part);
            }
            bout.flush();
            ch.force(true);
            ch.close();
            EsFetchReport report = tally.report(store.location(), from, to, out.toString(), plan, st, bout.written(),
                    t0);
            if (st.records() == 0) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(pf.state());
                ok = true;
                throw new EsNothingInRangeException(tally.nothingInRange(store.location(), from, to, plan)
                        + "; no output written", report);
            }
            move(part, abs);
            Files.deleteIfExists(pf.state());
            ok = true;
            return report;
        } catch (IOException e) {
            throw new EsOutputIoException(part, "writing " + part + " failed: " + e
                    + "; run again with --resume to continue", e);
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

    /** Fetches to {@code out} as segments arrive (no part file, no resume); {@code name} labels the report. */
    public EsFetchReport toStream(Instant from, Instant to, WritableByteChannel out, String name) {
        long t0 = System.nanoTime();
        FetchPlan plan = FetchPlan.of(store, from, to, o);
        BufferedOut bout = new BufferedOut(out, new CRC32(), 0);
        Stitcher st = new Stitcher(bout, o.trim(), ns(from), ns(to), o.maxPrerollBytes());
        try {
            try {
                new FetchLoop(store, o, tally).run(plan, 0, st, bout, null,
                        Path.of(System.getProperty("java.io.tmpdir")));
            } catch (FetchLoop.Stopped stopped) {
                bout.flush();
                throw new EsFetchStoppedException(tally.report(store.location(), from, to, name, plan, st,
                        bout.written(), t0), null);
            }
            bout.flush();
        } catch (IOException e) {
            throw new EsOutputIoException(null, "writing to " + name + " failed: " + e, e);
        }
        EsFetchReport report = tally.report(store.location(), from, to, name, plan, st, bout.written(), t0);
        if (st.records() == 0) {
            throw new EsNothingInRangeException(tally.nothingInRange(store.location(), from, to, plan), report);
        }
        return report;
    }

    /** Renames atomically where the file system can. */
    static void move(Path from, Path to) throws IOException {
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
