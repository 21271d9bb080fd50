package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.transcode.Transcoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage archive}: dry run, runs, exit codes, confirmation, and SIGTERM against a real process. */
class ArchiveCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Transcoder transcoder;
    static Path clip;
    static Path longClip;

    @TempDir
    static Path media;
    @TempDir
    Path in;

    @BeforeAll
    static void clips() {
        transcoder = Transcoder.create();
        MediaGenerator generator = MediaGenerator.of(transcoder.ffmpegPath());
        clip = generator.cached(MediaSpec.mp4(1));
        longClip = generator.cached(MediaSpec.mp4(6));
    }

    @AfterAll
    static void close() {
        transcoder.close();
    }

    Path put(Path source, String rel) throws IOException {
        Path p = in.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.copy(source, p);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        return p;
    }

    @Test
    void dryRunPrintsEveryActionAsJsonAndChangesNothing() throws Exception {
        put(clip, "2025/01/02/REO_a_20250102010000.mp4");
        Files.writeString(in.resolve("2025/01/02/REO_a_20250102010000.jpg"), "jpg");
        Files.setLastModifiedTime(in.resolve("2025/01/02/REO_a_20250102010000.jpg"),
                FileTime.from(Instant.now().minusSeconds(3600)));
        Files.createDirectories(in.resolve(".deleted/2020/01/01"));
        Files.writeString(in.resolve(".deleted/2020/01/01/REO_a_20200101010000.mp4"), "old");
        Files.writeString(in.resolve("readme.txt"), "not a recording");
        String before = treeHash(in);

        CliRun r = CliRun.of("archive", "--input", in.toString(), "--dry-run", "--json", "--cleanup", "--age", "30d",
                "--delete");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("dry_run").asBoolean()).isTrue();
        assertThat(j.path("totals").path("sources").asLong()).isEqualTo(1);
        assertThat(j.path("totals").path("total_bytes").asLong()).isPositive();
        List<String> actions = new ArrayList<>();
        for (JsonNode a : j.path("actions")) {
            assertThat(a.fieldNames()).toIterable().containsExactly("action", "path", "target", "reason", "bytes");
            actions.add(a.path("action").asText() + " " + Path.of(a.path("path").asText()).getFileName());
        }
        assertThat(actions).containsExactly("delete REO_a_20200101010000.mp4", // oldest day first
                "transcode REO_a_20250102010000.mp4", "delete REO_a_20250102010000.mp4",
                "delete REO_a_20250102010000.jpg", "skip readme.txt");
        assertThat(j.path("counts").path("delete").asInt()).isEqualTo(3);
        assertThat(treeHash(in)).isEqualTo(before);

        CliRun human = CliRun.of("archive", "--input", in.toString(), "--dry-run");
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("transcode " + in.resolve("2025/01/02/REO_a_20250102010000.mp4"))
                .contains("name not recognised").contains("dry run, nothing changed");
        assertThat(treeHash(in)).isEqualTo(before);
    }

    @Test
    void theProcessWritesTheSameJsonDocumentAsBytesAsTheWriterDoes() throws Exception {
        Files.createDirectories(in.resolve("2025/01/02"));
        for (String n : List.of("REO_a_20250102010000.mp4", "REO_a_20250102010000.jpg", "REO_ü \"q\"_20250102020000.mp4",
                "notes \\ ü.txt")) {
            Files.writeString(in.resolve("2025/01/02").resolve(n), n);
        }
        String[] args = {"archive", "--input", in.toString(), "--dry-run", "--json", "--settle", "0"};
        CliRun viaWriter = CliRun.of(args);
        assertThat(viaWriter.exitCode()).as(viaWriter.err()).isZero();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Dfile.encoding=UTF-8", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(viaWriter.out());
        assertThat(JSON.readTree(out).path("actions")).hasSize(6); // 2 transcodes, 3 trash, 1 skip
    }

    @Test
    void aRunArchivesLogsToTheRotatedFileAndAFailedClipGivesExit3() throws Exception {
        put(clip, "2025/01/02/REO_a_20250102010000.mp4");
        Path bad = put(clip, "2025/01/02/REO_a_20250102020000.mp4");
        Files.writeString(bad, "corrupt");
        Files.setLastModifiedTime(bad, FileTime.from(Instant.now().minusSeconds(3600)));

        CliRun r = CliRun.of("archive", "--input", in.toString(), "--json", "--zone", "Europe/Berlin");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.path("status").asText()).isEqualTo("partial");
        assertThat(j.path("transcoded").asInt()).isEqualTo(1);
        assertThat(j.path("interrupted").asBoolean()).isFalse();
        assertThat(j.path("failures").get(0).path("path").asText()).isEqualTo(bad.toString());
        assertThat(j.path("failures").get(0).path("reason").asText()).contains("transcode failed");
        assertThat(bad).exists();
        assertThat(in.resolve("archived/2025/01/02/REO_a_20250102010000.mp4")).exists();
        assertThat(in.resolve(".deleted/2025/01/02/REO_a_20250102010000.mp4")).exists();
        assertThat(Files.readString(in.resolve("archiver.log"))).contains("transcoding").contains("transcode failed");

        Files.delete(bad);
        CliRun again = CliRun.of("archive", "--input", in.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("complete: 0 transcoded");
    }

    @Test
    void usageErrorsAndUnconfirmedDeletionsExitWith2() throws Exception {
        put(clip, "2025/01/02/REO_a_20250102010000.mp4");
        String before = treeHash(in);
        CliRun noTerminal = CliRun.of("archive", "--input", in.toString(), "--delete");
        assertThat(noTerminal.exitCode()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("--no-confirm");
        assertThat(CliRun.of("archive", "--input", in.toString(), "--cleanup", "--age", "30d", "--json")
                .out()).contains("\"error\"").contains("--no-confirm");
        assertThat(CliRun.of("archive", "--input", in.toString(), "--zone", "Mars/Base").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("archive", "--input", in.toString(), "--pattern", "(?<year>\\d{4})").err())
                .contains("month");
        assertThat(CliRun.of("archive", "--input", in.toString(), "--age", "30d").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("archive", "--input", in.toString(), "--cleanup").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("archive", "--input", in.toString(), "--settle", "soon").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("archive", "--input", in.toString(), "--preset", "nope").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("archive", "--input", in.resolve("missing").toString(), "--dry-run").exitCode())
                .isEqualTo(1);
        // refused runs change nothing, not even the log
        assertThat(treeHash(in)).isEqualTo(before);
        CliRun help = CliRun.of("archive", "--help");
        assertThat(help.out()).contains("Example").contains("stowage archive");
    }

    @Test
    void sigtermMidTranscodeStopsFfmpegLeavesNoPartialAndKeepsEverySource() throws Exception {
        Path sources = put(longClip, "2025/01/02/REO_a_20250102010000.mp4").getParent();
        put(longClip, "2025/01/02/REO_a_20250102020000.mp4");
        put(longClip, "2025/01/02/REO_a_20250102030000.mp4");
        Process p = startArchive();
        List<Long> ffmpegs = awaitTranscoding(p);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(media.resolve("child-" + p.pid() + ".txt"));
        assertThat(p.exitValue()).as(out).isEqualTo(143);
        assertThat(out).contains("interrupted");
        assertSafe(sources, ffmpegs);
    }

    @Test
    void aSecondSignalExitsAtOnceAndStillLeavesNoPartialUnderAFinalName() throws Exception {
        Path sources = put(longClip, "2025/01/02/REO_a_20250102010000.mp4").getParent();
        put(longClip, "2025/01/02/REO_a_20250102020000.mp4");
        Process p = startArchive();
        List<Long> ffmpegs = awaitTranscoding(p);
        p.destroy();
        p.destroy();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertSafe(sources, ffmpegs);
    }

    private Process startArchive() throws IOException {
        Path presets = media.resolve("slow.json");
        Files.writeString(presets, """
                {"presets": [{"name": "slow-archive", "description": "reads at real time (tests)",
                  "format": "mp4", "extension": "mp4", "input_args": ["-re"],
                  "video": {"mode": "encode", "codec": "h264",
                            "encoders": [{"name": "libx264", "args": ["-preset", "ultrafast"]}]},
                  "audio": {"mode": "encode", "codec": "aac", "encoders": [{"name": "aac"}]}}]}
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "archive", "--input", in.toString(), "--presets-file", presets.toString(), "--preset",
                "slow-archive", "--workers", "2").redirectErrorStream(true)
                .redirectOutput(media.resolve("child.txt").toFile()).start();
    }

    /** Waits until the child logs a running transcode; renames its output file by pid; returns its ffmpeg pids. */
    private static List<Long> awaitTranscoding(Process p) throws Exception {
        Path log = media.resolve("child.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("transcoding") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(log)).as("child output").contains("transcoding");
        List<Long> ffmpegs = new ArrayList<>();
        while (ffmpegs.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            p.descendants().filter(h -> h.info().command().orElse("").contains("ffmpeg"))
                    .forEach(h -> ffmpegs.add(h.pid()));
        }
        assertThat(ffmpegs).as("ffmpeg running").isNotEmpty();
        Thread.sleep(500);
        Files.move(log, media.resolve("child-" + p.pid() + ".txt")); // the open file keeps receiving output
        return ffmpegs;
    }

    private void assertSafe(Path sources, List<Long> ffmpegs) throws Exception {
        for (long pid : ffmpegs) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("ffmpeg %d left running", pid).isFalse();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (files(in).stream().anyMatch(f -> f.contains(".stowage-tmp-")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(files(in)).noneMatch(f -> f.contains(".stowage-tmp-"));
        try (Stream<Path> names = Files.list(in.resolve("2025/01/02").toFile().exists() ? sources : in)) {
            names.count(); // the day folder may be gone when every source was archived
        }
        for (String n : List.of("REO_a_20250102010000.mp4", "REO_a_20250102020000.mp4", "REO_a_20250102030000.mp4")) {
            Path source = sources.resolve(n);
            Path output = in.resolve("archived/2025/01/02/" + n);
            Path trashed = in.resolve(".deleted/2025/01/02/" + n);
            if (Files.exists(output)) { // only ever a complete, verified output under the final name
                assertThat(transcoder.probe(output).durationSeconds()).isBetween(5.5, 6.5);
            }
            if (Files.exists(trashed)) {
                assertThat(output).as("%s trashed only once archived", n).exists();
            }
            if (n.endsWith("30000.mp4") && !Files.exists(trashed) && !Files.exists(source)) {
                continue; // the two-source test has no third clip
            }
            assertThat(Files.exists(source) || Files.exists(trashed)).as("source %s present or archived", n).isTrue();
        }
    }

    static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    static String treeHash(Path root) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                md.update((root.relativize(p) + "|" + (Files.isDirectory(p) ? "dir" : Files.size(p)) + "|"
                        + Files.getLastModifiedTime(p).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
