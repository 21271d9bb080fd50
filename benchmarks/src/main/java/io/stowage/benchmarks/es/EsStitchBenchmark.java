package io.stowage.benchmarks.es;

import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsToTsParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Stitch throughput on one core: parse + validate + continuity-track + write of a healthy recording, from memory and
 * from a local folder, against {@code cat}-like reading of the same files (the physical reference). Output goes to a
 * null stream so the benchmark measures the stitcher, not the disk. Divide {@code bytes} (printed at setup) by the
 * time per op for bytes/s.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EsStitchBenchmark -p megabytes=64
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EsStitchBenchmark {
    /** Total segment bytes. */
    @Param({"64"})
    int megabytes;

    /** TS packets per record: 7 like the reference recorder, 100 for big records. */
    @Param({"7", "100"})
    int packetsPerRecord;

    private Map<String, byte[]> segs;
    private Path dir;
    private Instant to;
    private EsSegmentStore memory;
    private EsSegmentStore folder;
    private final EsFetchOptions options = EsFetchOptions.defaults().withMaxRange(java.time.Duration.ofDays(7));

    @Setup(Level.Trial)
    public void setup() throws IOException {
        int segmentBytes = 1 << 20;
        int recordBytes = 27 + 188 * packetsPerRecord;
        int recordsPerSegment = segmentBytes / recordBytes;
        int count = Math.max(1, (megabytes << 20) / (recordsPerSegment * recordBytes));
        segs = SyntheticSegments.generate(count, recordsPerSegment, packetsPerRecord, 42);
        to = SyntheticSegments.end(count);
        dir = Files.createTempDirectory("es-bench-");
        SyntheticSegments.writeTo(segs, dir);
        memory = SyntheticSegments.memoryStore(segs);
        folder = EsSegmentStore.directory(dir);
        System.out.printf("%n%d segments, %d bytes of segments%n", count, SyntheticSegments.totalBytes(segs));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long stitchFromMemory() {
        EsFetchReport r = EsToTsParser.create(memory, options).fetch(SyntheticSegments.T0, to,
                OutputStream.nullOutputStream());
        return r.bytesWritten();
    }

    @Benchmark
    public long stitchFromDirectory() {
        EsFetchReport r = EsToTsParser.create(folder, options).fetch(SyntheticSegments.T0, to,
                OutputStream.nullOutputStream());
        return r.bytesWritten();
    }

    /** The physical reference: read every segment file through a 64 KiB buffer, like {@code cat > /dev/null}. */
    @Benchmark
    public long catFromDirectory() throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(128 << 10);
        long n = 0;
        for (String key : segs.keySet()) {
            try (FileChannel ch = FileChannel.open(dir.resolve(key))) {
                int r;
                while ((r = ch.read(buf)) >= 0) {
                    n += r;
                    buf.clear();
                }
            }
        }
        return n;
    }
}
