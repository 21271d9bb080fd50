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
            DesWriteReport res = w.finish();
            assertThat(res.entries()).isEqualTo(1);
            assertThat(res.archiveBytes()).isEqualTo(Files.size(out));
        }
        assertThat(filesIn(tmp)).isEqualTo(1); // no temp file left
    }

    @Test
    void theArchiveAndExternalObjectsGetThePermissionsOfAnyNewFileNotTempFiles0600() throws Exception {
        Path reference = Files.createFile(tmp.resolve("made-plainly"));   // what the umask gives a new file here
        Path out = tmp.resolve("perm.des");
        Path store = tmp.resolve("store");
        try (DesWriter w = DesWriter.builder(out).externalThreshold(10)
                .externalStore(ExternalStore.directory(store), "p").build()) {
            w.add("small", "x".getBytes(), null);
            w.add("big", new byte[100], null);
            w.finish();
        }
        var expected = Files.getPosixFilePermissions(reference);
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(expected);
        try (Stream<Path> s = Files.walk(store)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.getPosixFilePermissions(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })).isNotEmpty().allMatch(expected::equals);
        }
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
    void optionsRecordAndShortcutSettersConfigureTheSameWriter() throws Exception {
        Path store = tmp.resolve("store");
        DesWriteOptions o = DesWriteOptions.defaults().withExternalThreshold(10)
                .withExternalStore(ExternalStore.directory(store), "p//").withChecksums(false);
        assertThat(o.externalPrefix()).isEqualTo("p");
        assertThat(DesWriteOptions.defaults()).isEqualTo(new DesWriteOptions(true, 100L << 20, null, "", false, false));
        assertThatThrownBy(() -> o.withExternalThreshold(-1)).isInstanceOf(IllegalArgumentException.class);
        Path out = tmp.resolve("o.des");
        try (DesWriter w = DesWriter.builder(out).options(o).build()) {
            w.add("big", new byte[100], null);
            assertThat(w.finish().externalEntries()).isEqualTo(1);
        }
        assertThat(store.resolve("p/_bigFiles/big")).exists();
        // a shortcut after options() changes that one field; options() after a shortcut replaces it
        assertThatThrownBy(() -> DesWriter.builder(out).options(o.withOverwrite(true)).overwrite(false).build())
                .isInstanceOfSatisfying(DesOutputExistsException.class,
                        e -> assertThat(e.path()).isEqualTo(out.toString()));
        try (DesWriter w = DesWriter.builder(out).overwrite(false).options(o.withOverwrite(true)).build()) {
            w.add("a", new byte[1], null);
            w.finish();
        }
        try (DesReader r = DesReader.open(out)) {
            assertThat(r.index().entries()).extracting(DesEntry::name).containsExactly("a");
        }
    }

    @Test
    void aMetaOverTheLimitIsADesLimitException() {
        try (DesWriter w = DesWriter.builder(tmp.resolve("m.des")).build()) {
            String big = "x".repeat(DesIndex.MAX_META_BYTES);
            assertThatThrownBy(() -> w.add("a", new byte[1], Map.of("note", big)))
                    .isInstanceOfSatisfying(DesLimitException.class, e -> {
                        assertThat(e.entry()).isEqualTo("a");
                        assertThat(e.field()).isEqualTo("meta_length");
                        assertThat(e.value()).isGreaterThan(e.limit());
                        assertThat(e.limit()).isEqualTo(DesIndex.MAX_META_BYTES);
                    });
        }
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
        assertThatThrownBy(() -> DesWriter.builder(out).build()).isInstanceOf(DesOutputExistsException.class)
                .hasMessageContaining("already exists")
                .satisfies(e -> assertThat(((DesOutputExistsException) e).path()).isEqualTo(out.toString()));
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

    /** An archive holding the name "a" twice: "first", then "second". */
    private Path firstAndSecondNamedA() {
        Path out = tmp.resolve("dup.des");
        try (DesWriter w = DesWriter.builder(out).allowDuplicateNames(true).build()) {
            w.add("a", "first".getBytes(), null);
            w.add("a", "second".getBytes(), null);
            w.finish();
        }
        return out;
    }

    @Test
    void duplicatesWhenAllowedReadAsLastWins() {
        Path out = firstAndSecondNamedA();
        try (DesReader r = DesReader.open(out)) {
            assertThat(r.list()).hasSize(2);
            assertThat(r.read("a")).isEqualTo(ByteBuffer.wrap("second".getBytes()));
        }
    }

    @Test
    void everyRecordOfADuplicatedNameCanBeOpenedAndIsVerified() throws Exception {
        Path out = firstAndSecondNamedA();
        try (DesReader r = DesReader.open(out)) {
            assertThat(r.openStream(r.list().get(0)).readAllBytes()).isEqualTo("first".getBytes());
            assertThat(r.openStream(r.list().get(1)).readAllBytes()).isEqualTo("second".getBytes());
            assertThat(r.verify().ok()).isTrue();
        }
        byte[] b = Files.readAllBytes(out);
        b[DesFooter.HEADER_SIZE] ^= 0x20; // inside the first record's payload, which reading by name never reaches
        Files.write(out, b);
        try (DesReader r = DesReader.open(out)) {
            assertThat(r.read("a")).isEqualTo(ByteBuffer.wrap("second".getBytes()));
            DesVerifyReport rep = r.verify();
            assertThat(rep.problems()).hasSize(1);
            assertThat(rep.problems().get(0).type()).isEqualTo("DesChecksumException");
            assertThat(rep.problems().get(0).field()).isEqualTo("index[0].meta.crc32c");
            try (DesReader other = DesReader.open(tmp.resolve("dup.des"))) {
                // a record listed by another reader of the same archive is the same record
                assertThat(r.openStream(other.list().get(1)).readAllBytes()).isEqualTo("second".getBytes());
            }
            DesEntry foreign;
            try (DesReader v = DesReader.open(Vectors.des("small.des"))) {
                foreign = v.list().get(0);
            }
            assertThatThrownBy(() -> r.openStream(foreign)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a record");
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
            DesWriteReport res = w.finish();
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
                    .hasMessageContaining("--external-root")
                    .isInstanceOfSatisfying(DesExternalStoreMissingException.class, x -> {
                        assertThat(x.entry()).isEqualTo("big.mp4");
                        assertThat(x.key()).isEqualTo("2025-01-15/shard_07/_bigFiles/big.mp4");
                    });
        }
        Files.delete(big.resolve("2025-01-15/shard_07/_bigFiles/big.mp4"));
        try (DesReader r = DesReader.open(out, opts)) {
            assertThatThrownBy(() -> r.read("big.mp4")).isInstanceOf(DesIoException.class)
                    .hasMessageContaining("missing");
        }
    }

    /** Ways of writing the same files: checksums on/off, user META or none, an external store or none. */
    static Stream<org.junit.jupiter.params.provider.Arguments> addFilesModes() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(true, true, false),
                org.junit.jupiter.params.provider.Arguments.of(true, false, false),
                org.junit.jupiter.params.provider.Arguments.of(false, false, false),
                org.junit.jupiter.params.provider.Arguments.of(false, true, true),
                org.junit.jupiter.params.provider.Arguments.of(true, false, true));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "checksums={0} meta={1} external={2}")
    @org.junit.jupiter.params.provider.MethodSource("addFilesModes")
    void addFilesReadsAheadButWritesTheSameArchiveAsAddingOneByOne(boolean checksums, boolean withMeta,
                                                                   boolean external) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Random rnd = new Random(5);
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            int size = switch (i) {
                case 7 -> 2_000_000; // streams (above the read-ahead limit)
                case 40 -> 262_144; // exactly the read-ahead limit: read ahead
                case 41 -> 262_145; // one byte more: streams
                case 70, 71 -> 0; // empty files
                case 100, 101, 102 -> 150_000; // external when a store is set (threshold below)
                default -> rnd.nextInt(9000);
            };
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            Path f = in.resolve("f" + i);
            Files.write(f, b);
            files.put("f" + i, f);
        }
        java.util.function.Function<String, Map<String, ?>> meta = withMeta ? n -> Map.of("n", n) : null;
        java.util.function.Function<String, DesWriter.Builder> builder = name -> {
            DesWriter.Builder bld = DesWriter.builder(tmp.resolve(name + ".des")).checksums(checksums);
            if (external) {
                bld.externalThreshold(100_000).externalStore(ExternalStore.directory(tmp.resolve(name + "-ext")),
                        "day");
            }
            return bld;
        };
        try (DesWriter w = builder.apply("one").build()) {
            files.forEach((n, f) -> w.add(n, f, meta == null ? null : meta.apply(n)));
            w.finish();
        }
        java.util.List<Long> added = new java.util.ArrayList<>();
        try (DesWriter w = builder.apply("many").listener(new DesWriteListener() {
            @Override
            public void onEntryAdded(String name, long size) {
                added.add(size);
            }
        }).build()) {
            w.addFiles(files, meta, 3);
            w.finish();
        }
        assertThat(Files.readAllBytes(tmp.resolve("many.des"))).isEqualTo(Files.readAllBytes(tmp.resolve("one.des")));
        assertThat(added).hasSize(files.size());
        assertThat(added.stream().mapToLong(Long::longValue).sum())
                .isEqualTo(files.values().stream().mapToLong(f -> f.toFile().length()).sum());
        if (external) {
            assertThat(Files.readAllBytes(tmp.resolve("many-ext/day/_bigFiles/f101")))
                    .isEqualTo(Files.readAllBytes(files.get("f101")));
        }
        try (DesReader r = DesReader.open(tmp.resolve("many.des"),
                DesReadOptions.defaults().withExternalStore(ExternalStore.directory(tmp.resolve("many-ext"))))) {
            for (String n : java.util.List.of("f0", "f7", "f40", "f41", "f70", "f101", "f299")) {
                assertThat(DesWriterTest.bytes(r.read(n))).as(n).isEqualTo(Files.readAllBytes(files.get(n)));
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void aDuplicateNameInAddFilesFailsTheWriter() throws Exception {
        Files.writeString(tmp.resolve("a"), "a");
        Path out = tmp.resolve("x.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            w.add("e5", "already here".getBytes(), null);
            Map<String, Path> files = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                files.put("e" + i, tmp.resolve("a"));
            }
            assertThatThrownBy(() -> w.addFiles(files, null, 2)).isInstanceOf(DesNameException.class)
                    .hasMessageContaining("e5");
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void addFilesFromAnIteratorThatFailsCommitsNothing() throws Exception {
        Files.writeString(tmp.resolve("a"), "a");
        java.util.Iterator<Map.Entry<String, Path>> it = new java.util.Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                if (n == 40) {
                    throw new IllegalStateException("walk failed");
                }
                return true;
            }

            @Override
            public Map.Entry<String, Path> next() {
                return Map.entry("e" + n++, tmp.resolve("a"));
            }
        };
        Path out = tmp.resolve("x.des");
        try (DesWriter w = DesWriter.builder(out).build()) {
            assertThatThrownBy(() -> w.addFiles(it, null, 2)).hasMessage("walk failed");
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed");
        }
        assertThat(out).doesNotExist();
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
