package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.des.DesWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage des} through the shaded jar as a separate process: killed for real, in the C locale. */
class DesJarIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    /** The jar in the C locale (cron, systemd, env -i): file names are ASCII to the JVM. */
    static Process startInCLocale(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("stowage.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        pb.environment().put("LC_ALL", "C");
        return pb.start();
    }

    @Test
    void aNameTheJvmCannotRepresentInTheCLocaleIsAPerFileFailureOfPackAndUnpack() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("café.jpg"), "not ascii");
        Files.writeString(in.resolve("plain.txt"), "ascii");
        Path out = tmp.resolve("c.des");
        Process pack = startInCLocale(tmp, "des", "pack", out.toString(), in.toString(), "--json");
        assertThat(pack.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(tmp.resolve("stderr.txt"));
        assertThat(pack.exitValue()).as(err).isEqualTo(3);
        JsonNode rep = JSON.readTree(tmp.resolve("stdout.txt").toFile());
        assertThat(rep.get("entries").asInt()).isEqualTo(1);
        assertThat(rep.get("failed")).hasSize(1);
        assertThat(rep.get("failed").get(0).get("reason").asText()).contains("LC_ALL=C.UTF-8");

        Path both = tmp.resolve("both.des");
        try (DesWriter w = DesWriter.builder(both).build()) {
            w.add("café.jpg", "not ascii".getBytes(StandardCharsets.UTF_8), null);
            w.add("plain.txt", "ascii".getBytes(StandardCharsets.UTF_8), null);
            w.finish();
        }
        Path target = tmp.resolve("restored");
        Process unpack = startInCLocale(tmp, "des", "unpack", both.toString(), target.toString(), "--json");
        assertThat(unpack.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(unpack.exitValue()).as(Files.readString(tmp.resolve("stderr.txt"))).isEqualTo(3);
        JsonNode u = JSON.readTree(tmp.resolve("stdout.txt").toFile());
        assertThat(u.get("written").asInt()).isEqualTo(1);
        // the JSON is written in the locale's charset (ASCII here), so the name's é prints as '?'
        assertThat(u.get("failed").get(0).get("name").asText()).startsWith("caf").endsWith(".jpg");
        assertThat(u.get("failed").get(0).get("reason").asText()).contains("LC_ALL=C.UTF-8");
        assertThat(Files.readString(target.resolve("plain.txt"))).isEqualTo("ascii");
    }

    @Test
    void desCatWritesNoByteOfAnEntryBeforeItsChecksumFails() throws Exception {
        Path day = tmp.resolve("day.des");
        byte[] big = new byte[2 << 20];
        new java.util.Random(5).nextBytes(big);
        try (DesWriter w = DesWriter.builder(day).build()) {
            w.add("big.bin", big, null);
            w.finish();
        }
        byte[] a = Files.readAllBytes(day);
        a[16 + big.length - 5] ^= 1;   // the last bytes of the entry
        Files.write(day, a);
        StowageJarIT.Proc cat = StowageJarIT.run("des", "cat", day.toString(), "big.bin");
        assertThat(cat.code()).isEqualTo(1);
        assertThat(cat.out()).as("bytes on stdout").isEmpty();
        assertThat(cat.err()).contains("CRC-32C");
    }

    static Process start(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("stowage.jar")));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The temporary files a pack of {@code out} writes beside it ({@code .day.des.*.tmp}). */
    static List<Path> temporaries(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".")
                    && p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void desPackKilledWithKill9MidRunLeavesNoHalfArchiveAndTheRerunSucceeds() throws Exception {
        // 1 GiB of sparse inputs: instant to create, seconds to pack, so the kill lands mid-write
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 4; i++) {
            try (RandomAccessFile f = new RandomAccessFile(in.resolve("part" + i + ".bin").toFile(), "rw")) {
                f.setLength(256L << 20);
                f.write(("part " + i).getBytes());
            }
        }
        Files.writeString(in.resolve("note.txt"), "small");
        Path out = tmp.resolve("out/day.des");
        Files.createDirectories(out.getParent());
        Process p = start(tmp, Map.of(), "des", "pack", out.toString(), in.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean killed = false;
        while (System.nanoTime() < deadline && p.isAlive()) {
            List<Path> t = temporaries(out);
            if (!t.isEmpty() && Files.size(t.get(0)) >= (64L << 20)) {
                p.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, no cleanup
                killed = true;
                break;
            }
            Thread.sleep(1);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(killed).as("the pack was killed while it wrote (stderr: %s)",
                Files.readString(tmp.resolve("stderr.txt"))).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
        assertThat(out).as("no half archive under the final name").doesNotExist();
        assertThat(temporaries(out)).as("the killed run's temporary file").hasSize(1);

        StowageJarIT.Proc again = StowageJarIT.run("des", "pack", out.toString(), in.toString(), "--json");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(JSON.readTree(again.out()).get("entries").asInt()).isEqualTo(5);
        StowageJarIT.Proc verify = StowageJarIT.run("des", "verify", out.toString());
        assertThat(verify.code()).as(verify.outText() + verify.err()).isZero();
        StowageJarIT.Proc ls = StowageJarIT.run("des", "ls", out.toString());
        assertThat(ls.outText()).contains("part0.bin").contains("part3.bin").contains("note.txt");
    }
}
