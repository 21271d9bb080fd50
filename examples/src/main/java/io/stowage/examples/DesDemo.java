package io.stowage.examples;

import io.stowage.des.DesEntry;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesReader;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.des.ExternalStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The small-file archive pipeline: a folder of a few hundred files (text, binary, one above the external threshold)
 * packed into one DES archive, listed, every entry read back and compared, verified.
 *
 * <p>{@code new DesDemo().run(Files.createTempDirectory("des"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class DesDemo implements DemoPipeline {
    static final int FILES = 300;
    static final long THRESHOLD = 4L << 20;

    @Override
    public String name() {
        return "des";
    }

    @Override
    public String description() {
        return "pack " + FILES + " small files (+1 big, external) into a DES archive, read every one back, verify";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws IOException {
        Path input = workDir.resolve("input");
        Files.createDirectories(input);
        Random rnd = new Random(42);
        long inputBytes = 0;
        for (int i = 0; i < FILES; i++) {
            Path f;
            if (i % 3 == 0) {
                f = input.resolve(String.format("note-%03d.txt", i));
                Files.writeString(f, ("line " + i + " of a small text file, zażółć gęślą jaźń\n").repeat(1 + i % 40));
            } else {
                f = input.resolve(String.format("IMG_%04d.jpg", i));
                byte[] b = new byte[512 + rnd.nextInt(64 * 1024)];
                rnd.nextBytes(b);
                Files.write(f, b);
            }
            inputBytes += Files.size(f);
        }
        Path bigFile = input.resolve("clip-0001.mp4");
        byte[] big = new byte[(int) THRESHOLD + 123_456];
        rnd.nextBytes(big);
        Files.write(bigFile, big);
        inputBytes += big.length;
        out.printf("  input: %d files, %.1f MiB in %s%n", FILES + 1, inputBytes / 1048576.0, input);

        Path archive = workDir.resolve("2025-01-15/shard_07/day.des");
        Files.createDirectories(archive.getParent());
        Path bucket = workDir.resolve("bucket");
        long t0 = System.nanoTime();
        DesWriteReport res;
        try (DesWriter w = DesWriter.builder(archive).externalThreshold(THRESHOLD)
                .externalStore(ExternalStore.directory(bucket), "2025-01-15/shard_07").build();
             Stream<Path> files = Files.list(input)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                w.add(f.getFileName().toString(), f, Map.of("source", "demo"));
            }
            res = w.finish();
        }
        double packS = (System.nanoTime() - t0) / 1e9;
        out.printf("  pack:  %d entries (%d external), archive %.1f MiB, %.3f s (%.0f files/s)%n", res.entries(),
                res.externalEntries(), res.archiveBytes() / 1048576.0, packS, res.entries() / packS);
        check(res.entries() == FILES + 1, "expected " + (FILES + 1) + " entries, packed " + res.entries());
        check(res.externalEntries() == 1, "expected 1 external entry, got " + res.externalEntries());

        DesReadOptions opts = DesReadOptions.defaults().withExternalStore(ExternalStore.directory(bucket));
        try (DesReader r = DesReader.open(archive, opts)) {
            List<DesEntry> entries = r.list();
            out.printf("  list:  %d entries, first %s, last %s%n", entries.size(), entries.get(0).name(),
                    entries.get(entries.size() - 1).name());
            long t1 = System.nanoTime();
            long compared = 0;
            for (DesEntry e : entries) {
                ByteBuffer got = r.read(e.name());
                ByteBuffer want = ByteBuffer.wrap(Files.readAllBytes(input.resolve(e.name())));
                check(got.equals(want), "entry " + e.name() + " differs from its source file");
                compared += e.size();
            }
            double readS = (System.nanoTime() - t1) / 1e9;
            out.printf("  read:  every entry equals its source (%.1f MiB compared in %.3f s)%n",
                    compared / 1048576.0, readS);
            List<String> names = new ArrayList<>();
            entries.stream().filter(e -> !e.isExternal()).limit(50).forEach(e -> names.add(e.name()));
            check(r.readAll(names).size() == names.size(), "readAll returned the wrong number of entries");
            DesVerifyReport rep = r.verify();
            check(rep.ok(), "verify found problems: " + rep.problems());
            out.printf("  verify: OK, %d entries, %d checksummed, index checksummed: %s%n", rep.entries(),
                    rep.checksummed(), rep.footerChecksum());
            check(r.meta("clip-0001.mp4").get("external_key")
                    .equals("2025-01-15/shard_07/_bigFiles/clip-0001.mp4"), "external key is wrong");
        }
        check(new String(Files.readAllBytes(input.resolve("note-000.txt")), StandardCharsets.UTF_8)
                .startsWith("line 0"), "input was modified");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
