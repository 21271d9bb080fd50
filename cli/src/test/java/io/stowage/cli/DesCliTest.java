package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;

class DesCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    Path des(String name) {
        return CliRun.vectors().resolve("des-v1").resolve(name);
    }

    @Test
    void lsJsonListsNameSizeMetaAndExternal() throws Exception {
        CliRun r = CliRun.of("des", "ls", des("external.des").toString(), "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode arr = JSON.readTree(r.out());
        assertThat(arr).hasSize(3);
        assertThat(arr.get(1).get("name").asText()).isEqualTo("b_big");
        assertThat(arr.get(1).get("size").asLong()).isEqualTo(300000);
        assertThat(arr.get(1).get("external").asBoolean()).isTrue();
        assertThat(arr.get(1).get("meta").get("external_key").asText())
                .isEqualTo("2025-01-15/shard_07/_bigFiles/b_big");
        assertThat(arr.get(0).get("meta").get("k").asInt()).isEqualTo(1);
    }

    @Test
    void packListUnpackRoundTripAndDuplicateNamesAreRefused() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        Files.writeString(in.resolve("a.txt"), "alpha");
        Files.write(in.resolve("sub/b.bin"), new byte[70_000]);
        Path big = tmp.resolve("big.mp4");
        Files.write(big, new byte[200_000]);
        Path out = tmp.resolve("x.des");
        CliRun pack = CliRun.of("des", "pack", out.toString(), in.toString(), big.toString(), "--big-threshold",
                "100KiB", "--external-dir", tmp.resolve("bucket").toString(), "--external-prefix", "day1", "--json");
        assertThat(pack.exitCode()).as(pack.err()).isZero();
        JsonNode sum = JSON.readTree(pack.out());
        assertThat(sum.get("entries").asInt()).isEqualTo(3);
        assertThat(sum.get("external_entries").asInt()).isEqualTo(1);
        assertThat(tmp.resolve("bucket/day1/_bigFiles/big.mp4")).exists();

        CliRun verify = CliRun.of("des", "verify", out.toString(), "--external-root", tmp.resolve("bucket").toString());
        assertThat(verify.exitCode()).as(verify.out()).isZero();

        CliRun unpack = CliRun.of("des", "unpack", out.toString(), tmp.resolve("restored").toString(),
                "--external-root", tmp.resolve("bucket").toString());
        assertThat(unpack.exitCode()).as(unpack.out() + unpack.err()).isZero();
        assertThat(Files.readString(tmp.resolve("restored/a.txt"))).isEqualTo("alpha");
        assertThat(Files.size(tmp.resolve("restored/b.bin"))).isEqualTo(70_000);
        assertThat(Files.size(tmp.resolve("restored/big.mp4"))).isEqualTo(200_000);
        // archive and unpacked files get what any new file gets here (the umask's), not a temp file's 0600
        var plain = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("made-plainly")));
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(plain);
        assertThat(Files.getPosixFilePermissions(tmp.resolve("restored/a.txt"))).isEqualTo(plain);

        Files.writeString(in.resolve("sub/a.txt"), "another a");
        CliRun dup = CliRun.of("des", "pack", tmp.resolve("y.des").toString(), in.toString());
        assertThat(dup.exitCode()).isEqualTo(2);
        assertThat(dup.err()).contains("a.txt").contains(in.resolve("a.txt").toString())
                .contains(in.resolve("sub/a.txt").toString());
        assertThat(tmp.resolve("y.des")).doesNotExist();

        Files.delete(in.resolve("sub/a.txt"));
        Path bad = Files.writeString(in.resolve("sub/bad\u0001name"), "a control character in a file name");
        // the same bad name twice: the name is the problem, not that it repeats
        Path bad2 = Files.writeString(in.resolve("bad\u0001name"), "again");
        CliRun badName = CliRun.of("des", "pack", tmp.resolve("y.des").toString(), in.toString());
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains(bad2.toString()).contains("control character").doesNotContain("both named");
        assertThat(tmp.resolve("y.des")).doesNotExist();
        Files.delete(bad);
        Files.delete(bad2);

        CliRun exists = CliRun.of("des", "pack", out.toString(), big.toString());
        assertThat(exists.exitCode()).isEqualTo(2);
        assertThat(exists.err()).contains("--force");
    }

    @Test
    void packWalksInputsInOrderFoldersByNameDepthFirstAndSkipsLinksAndSpecialFiles() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.createDirectories(in.resolve("a/deeper"));
        Files.writeString(in.resolve("a/z.txt"), "z");
        Files.writeString(in.resolve("a/deeper/m.txt"), "m");
        Files.writeString(in.resolve("b.txt"), "b");
        Files.writeString(in.resolve("c.txt"), "c");
        Files.createSymbolicLink(in.resolve("link"), in.resolve("c.txt"));
        Files.createSymbolicLink(in.resolve("dirlink"), in.resolve("a"));
        Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("fifo").toString()).start();
        assertThat(mkfifo.waitFor()).isZero(); // a reader opening it would block: it must never be opened
        Path first = tmp.resolve("first.txt");
        Files.writeString(first, "1");
        Path out = tmp.resolve("o.des");
        CliRun pack = CliRun.of("des", "pack", out.toString(), first.toString(), in.toString(), "--json");
        assertThat(pack.exitCode()).as(pack.err()).isZero();
        JsonNode ls = JSON.readTree(CliRun.of("des", "ls", out.toString(), "--json").out());
        java.util.List<String> names = new java.util.ArrayList<>();
        ls.forEach(e -> names.add(e.get("name").asText()));
        // a/ sorts before b.txt; inside a/, deeper/ sorts before z.txt
        assertThat(names).containsExactly("first.txt", "m.txt", "z.txt", "b.txt", "c.txt");
    }

    @Test
    void packOfManyFilesKeepsEveryOneInOrder() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("many"));
        java.util.Random rnd = new java.util.Random(3);
        java.util.TreeMap<String, byte[]> expected = new java.util.TreeMap<>();
        for (int i = 0; i < 2500; i++) { // several walk chunks and read-ahead batches
            byte[] b = new byte[rnd.nextInt(3000)];
            rnd.nextBytes(b);
            String name = "f" + i;
            Files.write(in.resolve(name), b);
            expected.put(name, b);
        }
        Path out = tmp.resolve("many.des");
        assertThat(CliRun.of("des", "pack", out.toString(), in.toString()).exitCode()).isZero();
        try (io.stowage.des.DesReader r = io.stowage.des.DesReader.open(out)) {
            assertThat(r.list()).extracting(io.stowage.des.DesEntry::name).containsExactlyElementsOf(expected.keySet());
            for (var e : expected.entrySet()) {
                java.nio.ByteBuffer got = r.read(e.getKey());
                byte[] a = new byte[got.remaining()];
                got.get(a);
                assertThat(a).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void unpackNeverWritesOutsideTarget() throws Exception {
        // an archive written elsewhere may carry names our writer refuses: build one by patching a name
        Path p = tmp.resolve("evil.des");
        try (var w = io.stowage.des.DesWriter.builder(p).checksums(false).build()) {
            w.add("xx", "escape".getBytes(), null);
            w.add("ok.txt", "fine".getBytes(), null);
            w.finish();
        }
        byte[] b = Files.readAllBytes(p);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = s.indexOf("xx", s.length() - 200);
        b[at] = '.';
        b[at + 1] = '.';
        Files.write(p, b);
        Path target = tmp.resolve("t");
        CliRun r = CliRun.of("des", "unpack", p.toString(), target.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(3);
        JsonNode rep = JSON.readTree(r.out());
        assertThat(rep.get("written").asInt()).isEqualTo(1);
        assertThat(rep.get("failed").get(0).get("name").asText()).isEqualTo("..");
        assertThat(rep.get("failed").get(0).get("reason").asText()).contains("unsafe name");
        try (var files = Files.walk(tmp)) {
            assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("evil.des", "ok.txt");
        }
    }

    @Test
    void verifyReportsTheBadFieldAndExitsOne() throws Exception {
        Path p = tmp.resolve("bad.des");
        byte[] b = Files.readAllBytes(des("small.des"));
        b[b.length - 72 + 56] = (byte) 0xff; // index_length low byte
        Files.write(p, b);
        CliRun r = CliRun.of("des", "verify", p.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode rep = JSON.readTree(r.out());
        assertThat(rep.get("ok").asBoolean()).isFalse();
        assertThat(rep.get("problems").get(0).get("field").asText()).startsWith("footer.");
        assertThat(rep.get("problems").get(0).get("offset").asLong()).isEqualTo(b.length - 72 + 56);
    }

    @Test
    void repackWithoutChecksumsOfAReferenceArchiveIsByteIdentical() throws Exception {
        Path out = tmp.resolve("many.des");
        CliRun r = CliRun.of("des", "repack", des("many.des").toString(), out.toString(), "--no-checksums");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(des("many.des")));
    }

    @Test
    void shardPrintsTheNamesJsonValue() {
        CliRun r = CliRun.of("des", "shard", "9Xłół", "--bits", "16");
        assertThat(r.out().trim()).isEqualTo("8194");
        assertThat(CliRun.of("des", "shard", "x", "--bits", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void errorsFollowTheContract() throws Exception {
        // a missing archive is a failed run (1), local as on S3 (DESIGN.md), not a usage error
        CliRun missing = CliRun.of("des", "ls", tmp.resolve("none.des").toString(), "--json");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(missing.out()).get("error").get("message").asText()).contains("no such archive");
        CliRun noEntry = CliRun.of("des", "ls", des("small.des").toString(), "--bogus");
        assertThat(noEntry.exitCode()).isEqualTo(2);
        assertThat(noEntry.err()).contains("--bogus");
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        Deque<CommandLine> todo = new ArrayDeque<>();
        todo.add(Cli.commandLine());
        int checked = 0;
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            if (c.getCommandName().equals("help")) {
                continue;
            }
            String usage = c.getUsageMessage();
            assertThat(usage).as(c.getCommandSpec().qualifiedName()).containsIgnoringCase("example");
            todo.addAll(c.getSubcommands().values());
            checked++;
        }
        assertThat(checked).isGreaterThan(8);
        assertThat(CliRun.of("--version").out()).startsWith("stowage ");
    }

    @Test
    void onlyTheDesSubcommandBeingRunIsRegistered() {
        // start-up time: picocli builds a model only for the subcommand named; help and errors see all of them
        picocli.CommandLine one = Cli.commandLine("des", "pack", "x.des", "in");
        assertThat(one.getSubcommands()).containsOnlyKeys("des");
        assertThat(one.getSubcommands().get("des").getSubcommands()).containsOnlyKeys("pack");
        picocli.CommandLine all = Cli.commandLine("des", "--help");
        assertThat(all.getSubcommands().get("des").getSubcommands().keySet())
                .containsExactly("ls", "cat", "pack", "unpack", "verify", "repack", "shard", "packer", "recover",
                        "containers", "marker");
    }
}
