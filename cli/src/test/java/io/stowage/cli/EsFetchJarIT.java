package io.stowage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: {@code stowage es fetch} as users run it (the shaded jar, a separate process) killed mid-run, by SIGKILL
 * and by SIGTERM, then continued with {@code --resume}: the output is byte-identical to an uninterrupted fetch.
 * The source is long (600 segments made from the reference records) and the resume state is saved after every
 * segment ({@code --checkpoint-interval 0}), so that the kill lands while the fetch runs; the test waits for the
 * partial output to grow, polling with a deadline, never sleeping a fixed time.
 */
class EsFetchJarIT {
    private static final long BASE = 1735732800L;
    private static final int SEGMENTS = 600;

    @TempDir
    Path tmp;

    /** Segments BASE .. BASE + 4 * SEGMENTS, each holding the records of one reference segment, retimed. */
    private Path longSource() throws IOException {
        Path ref = CliRun.vectors().resolve("es-segments").resolve("segments");
        List<byte[]> refSegs = new ArrayList<>();
        List<Long> refStarts = new ArrayList<>();
        try (var s = Files.walk(ref)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".es")).sorted().toList()) {
                refSegs.add(Files.readAllBytes(p));
                String n = p.getFileName().toString();
                refStarts.add(Long.parseLong(n.substring(0, n.indexOf('-'))));
            }
        }
        Path src = tmp.resolve("src");
        for (int k = 0; k < SEGMENTS; k++) {
            long start = BASE + 4L * k;
            int r = k % refSegs.size();
            ByteBuffer in = ByteBuffer.wrap(refSegs.get(r)).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer out = ByteBuffer.allocate(in.capacity()).order(ByteOrder.LITTLE_ENDIAN);
            int records = 0;
            while (in.remaining() >= 27 && records < 3) {
                int at = in.position();
                long utc = in.getLong(at + 3);
                long size = in.getLong(at + 19);
                if (size < 0 || at + 27 + size > in.limit()) {
                    break;
                }
                long retimed = utc - refStarts.get(r) * 1_000_000_000L + start * 1_000_000_000L;
                out.put(in.array(), at, (int) (27 + size));
                out.putLong(out.position() - (int) (27 + size) + 3, retimed);
                in.position((int) (at + 27 + size));
                records++;
            }
            String name = io.stowage.es.EsSegment.of(start, 4).key();
            Path f = src.resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, java.util.Arrays.copyOf(out.array(), out.position()));
        }
        return src;
    }

    private static Process start(Path out, Path src, Path log, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("stowage.jar"), "es", "fetch", "--source", src.toString(), "--from",
                Long.toString(BASE), "--to", Long.toString(BASE + 4L * SEGMENTS), "-o", out.toString(),
                "--checkpoint-interval", "0"));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (deadline 2 min) until the partial output holds at least {@code bytes} bytes and a checkpoint. */
    private static void awaitPart(Path out, long bytes, Process p) throws Exception {
        Path part = out.resolveSibling(out.getFileName() + ".part");
        Path state = out.resolveSibling(out.getFileName() + ".part.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!(Files.exists(state) && Files.exists(part) && Files.size(part) >= bytes)) {
            assertThat(p.isAlive()).as("the fetch still runs while its partial output grows").isTrue();
            assertThat(System.nanoTime()).as("partial output of %d bytes within 2 min", bytes).isLessThan(deadline);
            Thread.onSpinWait();
            p.waitFor(5, TimeUnit.MILLISECONDS);
        }
    }

    private byte[] uninterrupted(Path src) throws IOException {
        Path want = tmp.resolve("want.ts");
        CliRun r = CliRun.of("es", "fetch", "--source", src.toString(), "--from", Long.toString(BASE), "--to",
                Long.toString(BASE + 4L * SEGMENTS), "-o", want.toString());
        assertThat(r.exitCode()).as(r.err()).isIn(0, 3);
        return Files.readAllBytes(want);
    }

    @Test
    void killedBySigkillAndResumedGivesTheSameBytes() throws Exception {
        Path src = longSource();
        byte[] want = uninterrupted(src);
        Path out = tmp.resolve("killed.ts");
        Process p = start(out, src, tmp.resolve("kill.log"));
        awaitPart(out, want.length / 3, p);
        assertThat(p.isAlive()).isTrue();
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
        assertThat(out).doesNotExist();

        Process resumed = start(out, src, tmp.resolve("resume.log"), "--resume", "--json");
        assertThat(resumed.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("resume.log"));
        assertThat(resumed.exitValue()).as(log).isIn(0, 3);
        assertThat(log).doesNotContain("\"segments_resumed\": 0");
        assertThat(Files.readAllBytes(out)).isEqualTo(want);
    }

    @Test
    void sigtermStopsCleanlyWithTheSummaryAndResumeContinues() throws Exception {
        Path src = longSource();
        byte[] want = uninterrupted(src);
        Path out = tmp.resolve("term.ts");
        Process p = start(out, src, tmp.resolve("term.log"));
        awaitPart(out, want.length / 3, p);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("term.log"));
        assertThat(p.exitValue()).as(log).isEqualTo(143);
        assertThat(log).contains("stopped by a signal").contains("--resume").contains("records");
        assertThat(out).doesNotExist();

        Process resumed = start(out, src, tmp.resolve("resume.log"), "--resume");
        assertThat(resumed.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String rlog = Files.readString(tmp.resolve("resume.log"));
        assertThat(resumed.exitValue()).as(rlog).isIn(0, 3);
        assertThat(rlog).contains("resumed after");
        assertThat(Files.readAllBytes(out)).isEqualTo(want);
    }
}
