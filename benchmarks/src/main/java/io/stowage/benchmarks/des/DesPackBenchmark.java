package io.stowage.benchmarks.des;

import io.stowage.des.DesWriter;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Pack throughput in-process: files on disk → one DES archive on disk (checksums on, as by default), fsync and rename
 * included. One op = one archive; files/s = files / (s/op), MB/s = files × size / (s/op). {@code pack} adds the files
 * one by one on one thread; {@code packReadAhead} is the CLI's path ({@code addFiles}, two reader threads).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DesPackBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class DesPackBenchmark {
    /** files x bytes per file. */
    @Param({"10000x4096", "10000x65536", "100x8388608"})
    public String shape;

    @Param({"true"})
    public boolean checksums;

    private Path dir;
    private List<Path> files;
    private Path out;

    @Setup(Level.Trial)
    public void createFiles() throws IOException {
        String[] p = shape.split("x");
        int n = Integer.parseInt(p[0]);
        int size = Integer.parseInt(p[1]);
        dir = Files.createTempDirectory("des-pack-bench");
        Path in = Files.createDirectories(dir.resolve("in"));
        Random rnd = new Random(1);
        byte[] buf = new byte[size];
        files = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rnd.nextBytes(buf);
            Path f = in.resolve(String.format("f%06d.bin", i));
            Files.write(f, buf);
            files.add(f);
        }
        out = dir.resolve("out.des");
    }

    @Benchmark
    public void pack(Blackhole bh) throws IOException {
        try (DesWriter w = DesWriter.builder(out).overwrite(true).checksums(checksums).build()) {
            for (Path f : files) {
                w.add(f.getFileName().toString(), f, null);
            }
            bh.consume(w.finish());
        }
    }

    /** What {@code stowage des pack} does: {@link DesWriter#addFiles} with two reader threads reading ahead. */
    @Benchmark
    public void packReadAhead(Blackhole bh) throws IOException {
        java.util.Map<String, Path> named = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            named.put(f.getFileName().toString(), f);
        }
        try (DesWriter w = DesWriter.builder(out).overwrite(true).checksums(checksums).build()) {
            w.addFiles(named, null, 2);
            bh.consume(w.finish());
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
