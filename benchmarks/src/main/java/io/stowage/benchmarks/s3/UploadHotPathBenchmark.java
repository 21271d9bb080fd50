package io.stowage.benchmarks.s3;

import io.stowage.s3.ETags;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.FileSelection;
import io.stowage.s3.FileTree;
import io.stowage.s3.ParallelUploader;
import io.stowage.s3.S3Location;
import io.stowage.s3.SkipPolicy;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
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
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The upload hot path, piece by piece: the per-file local work (read + MD5 for Content-MD5), the key-ordered walk
 * (files/s), and a whole small-file upload to EmbeddedS3 (client and server in this JVM, so the server's share is in
 * the number; {@code benchmarks/compare/s3-upload-compare.sh} separates it).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar UploadHotPathBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class UploadHotPathBenchmark {
    @Param({"1024", "16384", "1048576"})
    int fileSize;

    Path dir;
    Path file;
    Path tree;
    EmbeddedS3 server;
    S3Client s3;
    final AtomicInteger run = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("upload-hot-path-");
        byte[] data = new byte[fileSize];
        new Random(1).nextBytes(data);
        file = Files.write(dir.resolve("one.bin"), data);
        tree = dir.resolve("tree");
        for (int d = 0; d < 20; d++) {
            Files.createDirectories(tree.resolve("d" + d));
            for (int f = 0; f < 25; f++) {
                Files.write(tree.resolve("d" + d + "/f" + f + ".jpg"), data);
            }
        }
        server = EmbeddedS3.builder().directory(dir.resolve("store")).bucket("bench").start();
        s3 = server.settings().withMaxConnections(64).newClient();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        s3.close();
        server.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** What every single-part upload does locally before sending: read the bytes, MD5 them, encode Content-MD5. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public String readAndDigestOneFile() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    }

    /** The --checksum skip decision for one file (streams the file through MD5). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public String checksumSkipDecision() throws Exception {
        return ETags.md5Hex(file);
    }

    /** The walk of 500 files in key order: one op is the whole tree (multiply by 500 for files/s). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void walk500Files(Blackhole bh) throws Exception {
        FileTree.walk(tree, FileSelection.all(), "x/", bh::consume);
    }

    /** A whole upload of 500 files with 16 workers to a fresh prefix (multiply by 500 for files/s). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public TransferReport upload500Files() {
        try (ParallelUploader up = ParallelUploader.builder(s3).options(UploadOptions.defaults().withWorkers(16))
                .skipPolicy(SkipPolicy.never()).build()) {
            TransferReport r = up.upload(tree, S3Location.parse("s3://bench/run" + run.incrementAndGet()));
            if (r.transferred() != 500) {
                throw new IllegalStateException("upload incomplete: " + r);
            }
            return r;
        }
    }
}
