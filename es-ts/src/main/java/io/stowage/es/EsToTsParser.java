package io.stowage.es;

import io.stowage.es.internal.FetchRun;

import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Fetches the ES segments of a time range [from, to) from an {@link EsSegmentStore} and stitches one valid MPEG-TS.
 *
 * <pre>{@code
 * try (EsSegmentStore store = EsSegmentStore.directory(Path.of("/recordings/cam-01"))) {
 *     EsFetchReport r = EsToTsParser.create(store, EsFetchOptions.defaults().withTrim(true))
 *             .fetch(Instant.parse("2025-01-01T11:59:58Z"), Instant.parse("2025-01-01T12:00:10Z"), Path.of("clip.ts"));
 *     System.out.println(r.records() + " records, complete: " + r.complete());
 * }
 * }</pre>
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>Keys are computed without listing ({@link EsSegment#covering}), or listed hour by hour with
 *       {@link EsFetchOptions#listing()}. Missing keys are gaps in the report, not failures.</li>
 *   <li>Remote stores are read by {@link EsFetchOptions#workers()} threads at most {@link EsFetchOptions#window()}
 *       segments ahead; output is written strictly in time order; transient errors are retried with backoff.</li>
 *   <li>Records are parsed streaming and validated; after a bad header the parser resynchronises on the next valid
 *       record. Every skipped byte range is in {@link EsFetchReport#corrupt()}.</li>
 *   <li>A complete, continuous recording comes out byte-identical to the recorded stream. Where data is missing,
 *       continuity is marked with discontinuity_indicator packets so players see no continuity errors.</li>
 *   <li>{@link #fetch(Instant, Instant, Path)} writes {@code OUT.part} (state in {@code OUT.part.json}) and renames
 *       it when done; with {@link EsFetchOptions#resume()} an interrupted fetch continues from its verified
 *       prefix.</li>
 * </ul>
 *
 * <p>Thread-safe: an instance holds only immutable configuration; each fetch runs on the calling thread (plus its
 * own worker threads) and may run concurrently with other fetches to different outputs.
 */
public final class EsToTsParser {
    private final EsSegmentStore store;
    private final EsFetchOptions options;

    private EsToTsParser(EsSegmentStore store, EsFetchOptions options) {
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A parser over {@code store} with {@code options} (progress goes to {@link EsFetchOptions#listener()}). */
    public static EsToTsParser create(EsSegmentStore store, EsFetchOptions options) {
        return new EsToTsParser(store, options);
    }

    /** The options in use. */
    public EsFetchOptions options() {
        return options;
    }

    /**
     * The segments a fetch of [from, to) would read, in order (with trim, the preroll segments first). Lists the
     * store in listing mode; otherwise computes the keys.
     *
     * @throws EsInvalidRangeException if the range is empty or longer than {@link EsFetchOptions#maxRange()}
     */
    public List<EsSegment> plan(Instant from, Instant to) {
        checkRange(from, to);
        return FetchRun.segments(store, from, to, options);
    }

    /**
     * Fetches [from, to) into {@code out}, atomically: the file appears under its name only when complete.
     *
     * @return the report; {@link EsFetchReport#complete()} is false if anything was missing or corrupt
     * @throws EsInvalidRangeException    if the range is empty or too long
     * @throws EsOutputExistsException    if {@code out} exists and overwrite is off
     * @throws EsNothingInRangeException  if no valid record was found (no file is left)
     * @throws EsResumeException          if resuming from part files of another fetch
     * @throws EsOutputIoException       on an I/O failure writing the output (the part files stay for a resume)
     */
    public EsFetchReport fetch(Instant from, Instant to, Path out) {
        checkRange(from, to);
        Objects.requireNonNull(out, "out");
        return new FetchRun(store, options).toFile(from, to, out);
    }

    /**
     * Streams [from, to) to {@code out} as segments arrive (no part file, no resume). The stream is not closed.
     *
     * @throws EsNothingInRangeException if no valid record was found (nothing was written)
     */
    public EsFetchReport fetch(Instant from, Instant to, OutputStream out) {
        checkRange(from, to);
        // not Channels.newChannel: that copies through an 8 KiB array; heap buffers go to the stream in one call
        WritableByteChannel ch = new WritableByteChannel() {
            @Override
            public int write(java.nio.ByteBuffer src) throws java.io.IOException {
                int n = src.remaining();
                if (src.hasArray()) {
                    out.write(src.array(), src.arrayOffset() + src.position(), n);
                    src.position(src.limit());
                } else {
                    byte[] tmp = new byte[n];
                    src.get(tmp);
                    out.write(tmp);
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        EsFetchReport r = new FetchRun(store, options).toStream(from, to, ch, "-");
        try {
            out.flush();
        } catch (java.io.IOException e) {
            throw new EsOutputIoException(null, "flushing the output stream failed: " + e, e);
        }
        return r;
    }

    private void checkRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to) || from.isBefore(EsInvalidRangeException.EARLIEST)
                || to.isAfter(EsInvalidRangeException.LATEST)
                || Duration.between(from, to).compareTo(options.maxRange()) > 0) {
            throw new EsInvalidRangeException(from, to, options.maxRange());
        }
    }
}
