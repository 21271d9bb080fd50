package io.stowage.benchmarks.transcode;

import io.stowage.transcode.internal.ProgressBlock;
import io.stowage.transcode.internal.ProgressParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Cost of parsing ffmpeg's {@code -progress} output: one 12-line report, fed in chunks of {@code chunk} bytes (ffmpeg
 * writes one report per write, so 8192 is the usual case; 1 is the worst).
 *
 * <p>Uses {@code io.stowage.transcode.internal} on purpose (benchmarks run on the class path; see that package's
 * {@code package-info}): the measured code has no public surface.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar ProgressParserBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ProgressParserBenchmark {
    @Param({"1", "64", "8192"})
    int chunk;

    byte[] report;
    ProgressParser parser;
    Blackhole sink;

    @Setup
    public void setup(Blackhole bh) {
        report = ("frame=1234\nfps=87.50\nstream_0_0_q=28.0\nbitrate= 133.5kbits/s\ntotal_size=332800\n"
                + "out_time_us=49360000\nout_time_ms=49360000\nout_time=00:00:49.360000\ndup_frames=0\n"
                + "drop_frames=0\nspeed=3.41x\nprogress=continue\n").getBytes(StandardCharsets.UTF_8);
        sink = bh;
        parser = new ProgressParser(this::accept);
    }

    private void accept(ProgressBlock b) {
        sink.consume(b);
    }

    /** One report: the parser's work per progress event. */
    @Benchmark
    public void oneReport() {
        for (int i = 0; i < report.length; i += chunk) {
            parser.feed(report, i, Math.min(chunk, report.length - i));
        }
    }
}
