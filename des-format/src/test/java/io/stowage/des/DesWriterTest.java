package io.stowage.des;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DesWriterTest {
    @TempDir
    Path tmp;

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void nothingUnderTheFinalNameBeforeFinish() throws Exception {
        Path out = tmp.resolve("day.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            w.add("a", "x".getBytes(), null);
            assertThat(out).doesNotExist();
            DesWriteResult res = w.finish();
            assertThat(res.entries()).isEqualTo(1);
            assertThat(res.archiveBytes()).isEqualTo(Files.size(out));
        }
        assertThat(filesIn(tmp)).isEqualTo(1); // no temp file left
    }

    @Test
    void closeWithoutFinishLeavesNothingAndDeletesExternalObjects() throws Exception {
        Path out = tmp.resolve("day.des");
        Path big = tmp.resolve("big");
        try (DesWriter w = DesWriter.builder(out).externalThreshold(10)
                .externalStore(ExternalStore.directory(big), "p").build()) {
            w.add("small", new byte[3], null);
            w.add("large", new byte[100], null);
            assertThat(big.resolve("p/_bigFiles/large")).exists();
        }
        assertThat(out).doesNotExist();
        assertThat(filesIn(tmp)).isZero();
    }

    @Test
    void anExceptionMidwayLeavesNothingAndTheWriterRefusesMore() throws Exception {
        Path out = tmp.resolve("day.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            w.add("a", new byte[10], null);
            InputStream shortStream = new ByteArrayInputStream(new byte[5]);
            assertThatThrownBy(() -> w.add("b", shortStream, 10, null)).isInstanceOf(DesException.class)
                    .hasMessageContaining("changed during packing");
            assertThatThrownBy(() -> w.add("c", new byte[1], null)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failed earlier");
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
        }
        assertThat(out).doesNotExist();
        assertThat(filesIn(tmp)).isZero();
    }

    @Test
    void aStreamLongerThanDeclaredIsRefused() {
        Path out = tmp.resolve("day.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            assertThatThrownBy(() -> w.add("b", new ByteArrayInputStream(new byte[11]), 10, null))
                    .isInstanceOf(DesException.class).hasMessageContaining("grew beyond 10 bytes");
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void existingArchiveIsNotOverwrittenUnlessAsked() throws Exception {
        Path out = tmp.resolve("day.des");
        Files.writeString(out, "keep me");
        assertThatThrownBy(() -> DesWriter.builder(out).build()).isInstanceOf(DesException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readString(out)).isEqualTo("keep me");
        try (DesWriter w = DesWriter.builder(out).overwrite(true).build()) {
            w.add("a", new byte[1], null);
            w.finish();
        }
        try (DesReader r = DesReader.open(out)) {
            assertThat(r.list()).hasSize(1);
        }
    }

    @Test
    void namesFollowTheReferenceRulesPlusUnpackSafety() {
        try (DesWriter w = DesWriter.builder(tmp.resolve("n.des")).build()) {
            for (String bad : new String[] {"", ".", "..", "a/b", "a\\b", "c:d", "x*", "q?", "\"", "<", ">", "|",
                "tab\there", "nl\n", "del\u007f", "lone\ud800"}) {
                assertThatThrownBy(() -> w.add(bad, new byte[0], null)).as(bad).isInstanceOf(DesNameException.class);
            }
            assertThatThrownBy(() -> w.add("x".repeat(65536), new byte[0], null))
                    .isInstanceOf(DesNameException.class).hasMessageContaining("65535");
            // still usable: name checks happen before anything is written
            w.add("ok name (1).jpg", new byte[0], null);
            w.add("a".repeat(65535), new byte[0], null);
            w.add("...", new byte[0], null);
            w.add("zdjęcie_żółw 😀", new byte[0], null);
            assertThatThrownBy(() -> w.add("ok name (1).jpg", new byte[0], null))
                    .isInstanceOf(DesNameException.class).hasMessageContaining("already added");
            w.finish();
        }
    }

    @Test
    void duplicatesWhenAllowedReadAsLastWins() {
        Path out = tmp.resolve("dup.des");
        try (DesWriter w = DesWriter.builder(out).allowDuplicateNames(true).build()) {
            w.add("a", "first".getBytes(), null);
            w.add("a", "second".getBytes(), null);
            w.finish();
        }
        try (DesReader r = DesReader.open(out)) {
            assertThat(r.list()).hasSize(2);
            assertThat(r.read("a")).isEqualTo(ByteBuffer.wrap("second".getBytes()));
        }
    }

    @Test
    void allFourSourcesWriteTheSameBytesAndBigPathsStream() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 7]; // larger than the writer's 1 MiB buffer
        new Random(1).nextBytes(data);
        Path src = tmp.resolve("src.bin");
        Files.write(src, data);
        Path out = tmp.resolve("four.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            w.add("bytes", data, Map.of("k", "v"));
            w.add("buffer", ByteBuffer.wrap(data), null);
            w.add("stream", new ByteArrayInputStream(data), data.length, null);
            w.add("path", src, null);
            w.finish();
        }
        try (DesReader r = DesReader.open(out)) {
            for (String n : new String[] {"bytes", "buffer", "stream", "path"}) {
                assertThat(r.read(n)).isEqualTo(ByteBuffer.wrap(data));
                assertThat(r.entry(n).hasCrc32c()).isTrue();
            }
            assertThat(r.meta("bytes")).containsEntry("k", "v").containsEntry("size", (long) data.length);
        }
    }

    @Test
    void externalEntriesCarryTheirKeyAndReadBackThroughTheStore() throws Exception {
        Path out = tmp.resolve("2025-01-15/shard_07/day.des");
        Files.createDirectories(out.getParent());
        Path big = tmp.resolve("bucket");
        byte[] payload = new byte[5000];
        new Random(2).nextBytes(payload);
        try (DesWriter w = DesWriter.builder(out).externalThreshold(4096)
                .externalStore(ExternalStore.directory(big), "2025-01-15/shard_07/").build()) {
            w.add("big.mp4", payload, Map.of("kind", "video"));
            w.add("small.txt", "hi".getBytes(), null);
            DesWriteResult res = w.finish();
            assertThat(res.externalEntries()).isEqualTo(1);
            assertThat(res.externalBytes()).isEqualTo(5000);
        }
        DesReadOptions opts = DesReadOptions.defaults().withExternalStore(ExternalStore.directory(big));
        try (DesReader r = DesReader.open(out, opts)) {
            DesEntry e = r.entry("big.mp4");
            assertThat(e.isExternal()).isTrue();
            assertThat(e.dataOffset()).isZero();
            assertThat(e.externalKey()).isEqualTo("2025-01-15/shard_07/_bigFiles/big.mp4");
            assertThat(r.meta("big.mp4").keySet())
                    .containsExactly("kind", "size", "is_external", "external_key", "crc32c");
            assertThat(r.read("big.mp4")).isEqualTo(ByteBuffer.wrap(payload));
        }
        // a replaced external object is detected by its crc32c
        byte[] altered = payload.clone();
        altered[100] ^= 1;
        Files.write(big.resolve("2025-01-15/shard_07/_bigFiles/big.mp4"), altered);
        try (DesReader r = DesReader.open(out, opts)) {
            assertThatThrownBy(() -> r.read("big.mp4")).isInstanceOf(DesChecksumException.class);
            assertThat(r.verify().problems()).singleElement()
                    .satisfies(p -> assertThat(p.entry()).isEqualTo("big.mp4"));
        }
        // without a store the error says how to fix it; a missing object is named
        try (DesReader r = DesReader.open(out)) {
            assertThatThrownBy(() -> r.read("big.mp4")).isInstanceOf(DesException.class)
                    .hasMessageContaining("--external-root");
        }
        Files.delete(big.resolve("2025-01-15/shard_07/_bigFiles/big.mp4"));
        try (DesReader r = DesReader.open(out, opts)) {
            assertThatThrownBy(() -> r.read("big.mp4")).isInstanceOf(DesIoException.class)
                    .hasMessageContaining("missing");
        }
    }

    @Test
    void addFilesReadsAheadButWritesTheSameArchiveAsAddingOneByOne() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Random rnd = new Random(5);
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[i == 7 ? 2_000_000 : rnd.nextInt(9000)]; // one file above the read-ahead limit
            rnd.nextBytes(b);
            Path f = in.resolve("f" + i);
            Files.write(f, b);
            files.put("f" + i, f);
        }
        Path one = tmp.resolve("one.des");
        Path many = tmp.resolve("many.des");
        try (DesWriter w = DesWriter.builder(one).build()) {
            files.forEach((n, f) -> w.add(n, f, Map.of("n", n)));
            w.finish();
        }
        try (DesWriter w = DesWriter.builder(many).build()) {
            w.addFiles(files, n -> Map.of("n", n), 3);
            w.finish();
        }
        assertThat(Files.readAllBytes(many)).isEqualTo(Files.readAllBytes(one));
    }

    @Test
    void addFilesStopsAtAMissingFileAndCommitsNothing() throws Exception {
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        Files.writeString(tmp.resolve("a"), "a");
        files.put("a", tmp.resolve("a"));
        files.put("gone", tmp.resolve("gone"));
        Path out = tmp.resolve("x.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            assertThatThrownBy(() -> w.addFiles(files, null, 2)).isInstanceOf(DesIoException.class)
                    .hasMessageContaining("gone");
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class);
        }
        assertThat(out).doesNotExist();
    }
}
