package io.stowage.sync.internal;

import io.stowage.s3.UploadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The parallel walk finds exactly what the sequential walk (the uploader's rules) finds. */
class TreeWalkerTest {
    @TempDir
    Path tmp;

    private static TreeMap<String, String> collect(TreeWalker w, boolean parallel) throws Exception {
        TreeMap<String, String> found = new TreeMap<>();
        TreeWalker.Visitor v = new TreeWalker.Visitor() {
            @Override
            public void file(Path file, String rel, boolean renamed, long size, long mtimeNs) {
                found.put(rel, size + "/" + mtimeNs + "/" + renamed);
            }

            @Override
            public void problem(String rel, String reason) {
                found.put("!" + rel, reason);
            }
        };
        if (parallel) {
            w.walkParallel(v, 4);
        } else {
            w.walk(v);
        }
        return found;
    }

    @Test
    void parallelAndSequentialWalksAgree() throws Exception {
        for (int i = 0; i < 120; i++) {
            Path f = tmp.resolve("a" + (i % 3)).resolve("b" + (i % 5)).resolve("f" + i + (i % 2 == 0 ? ".jpg" : ".txt"));
            Files.createDirectories(f.getParent());
            Files.writeString(f, "x".repeat(i));
        }
        Files.writeString(tmp.resolve("Cafe\u0301.txt"), "nfd");           // NFD name: key is NFC
        Files.createSymbolicLink(tmp.resolve("link.txt"), tmp.resolve("a0/b0/f0.jpg"));   // links are skipped
        Files.createDirectories(tmp.resolve("empty/deeper"));
        for (UploadOptions o : List.of(UploadOptions.defaults(),
                UploadOptions.defaults().withExtensions(Set.of("jpg")),
                UploadOptions.defaults().withExclude(List.of("a1/**")).withInclude(List.of("a*/**")))) {
            TreeWalker w = new TreeWalker(tmp, o);
            TreeMap<String, String> seq = collect(w, false);
            TreeMap<String, String> par = collect(w, true);
            assertThat(par).isEqualTo(seq);
            assertThat(seq).isNotEmpty();
        }
        TreeMap<String, String> all = collect(new TreeWalker(tmp, UploadOptions.defaults()), true);
        assertThat(all).hasSize(121).doesNotContainKey("link.txt").containsKey("Caf\u00e9.txt");
        assertThat(all.get("Caf\u00e9.txt")).endsWith("/true");
        assertThat(new TreeSet<>(all.keySet()).first()).isEqualTo("Caf\u00e9.txt");
    }
}
