package io.stowage.benchmarks.archiver;

import io.stowage.archiver.ArchiveOptions;
import io.stowage.archiver.ArchivePlan;
import io.stowage.archiver.CameraArchiver;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * Discovery + planning ({@code plan()} and one iteration of every action) over empty files in the camera layout:
 * {@code recordings} MP4 + JPG pairs in the input (1,000 a day), half as many archived outputs and trashed
 * recordings of earlier days. The whole command, JVM start included, is timed by
 * {@code benchmarks/compare/archive-plan.sh}.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar ArchivePlanBenchmark -p recordings=100000}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ArchivePlanBenchmark {
    @Param({"10000"})
    int recordings;

    Path input;

    @Setup(Level.Trial)
    public void layout() throws IOException {
        input = Files.createTempDirectory("stowage-archive-plan");
        DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyy/MM/dd");
        DateTimeFormatter ts = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
        LocalDate start = LocalDate.of(2025, 1, 1);
        int perDay = 1000;
        int oldDays = recordings / perDay / 2;
        for (int d = 0; d < oldDays + recordings / perDay; d++) {
            LocalDate date = start.plusDays(d);
            boolean old = d < oldDays;
            Path in = input.resolve(date.format(day));
            Path out = input.resolve("archived").resolve(date.format(day));
            Path trash = input.resolve(".deleted").resolve(date.format(day));
            Files.createDirectories(old ? out : in);
            if (old) {
                Files.createDirectories(trash);
            }
            for (int i = 0; i < perDay; i++) {
                String stem = "REO_cam" + i % 10 + "_" + LocalDateTime.of(date, java.time.LocalTime.MIDNIGHT)
                        .plusSeconds(i * 60L).format(ts);
                if (old) {
                    Files.createFile(out.resolve(stem + ".mp4"));
                    Files.createFile(trash.resolve(stem + ".mp4"));
                    Files.createFile(trash.resolve(stem + ".jpg"));
                } else {
                    Files.createFile(in.resolve(stem + ".mp4"));
                    Files.createFile(in.resolve(stem + ".jpg"));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void remove() throws IOException {
        try (var s = Files.walk(input)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long planEveryAction() {
        CameraArchiver a = CameraArchiver.builder(input).options(ArchiveOptions.defaults().withSettle(Duration.ZERO)
                .withCleanup(true).withAge(Duration.ofDays(30)).withCleanOutput(true)).build();
        ArchivePlan plan = a.plan();
        return plan.actions().count();
    }
}
