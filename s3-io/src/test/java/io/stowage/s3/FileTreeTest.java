package io.stowage.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileTreeTest {
    private static void touch(Path root, String rel, int size) throws IOException {
        S3TestFiles.write(root, rel, new byte[size]);
    }

    @Test
    void walksInKeyOrderWithNfcKeysSizesAndTimes(@TempDir Path dir) throws IOException {
        touch(dir, "b/z.txt", 3);
        touch(dir, "a.b/x.jpg", 1);
        touch(dir, "a/y.jpg", 2);
        touch(dir, Normalizer.normalize("caf\u00e9.jpg", Normalizer.Form.NFD), 4);
        List<LocalFile> files = new ArrayList<>();
        FileTree.walk(dir, FileSelection.all(), files::add);
        // "a.b/" sorts before "a/" in UTF-8 byte order ('.' < '/')
        assertThat(files).extracting(LocalFile::key).containsExactly("a.b/x.jpg", "a/y.jpg", "b/z.txt", "caf\u00e9.jpg");
        assertThat(files.get(2).size()).isEqualTo(3);
        assertThat(files.get(2).relativePath()).isEqualTo("b/z.txt");
        assertThat(files.get(2).lastModified()).isEqualTo(Files.getLastModifiedTime(dir.resolve("b/z.txt")).toInstant());
    }

    @Test
    void selectionAndKeyPrefixAndVisitorEvents(@TempDir Path dir) throws IOException {
        touch(dir, "keep/a.JPG", 1);
        touch(dir, "keep/b.txt", 1);
        touch(dir, ".git/config.jpg", 1);
        touch(dir, "cam1/c.jpg", 1);
        Files.createSymbolicLink(dir.resolve("link.jpg"), dir.resolve("keep/a.JPG"));
        FileSelection s = FileSelection.all().withExclude(List.of(".git", "cam*/**")).withExtensions(Set.of(".jpg"));
        List<String> keys = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> ahead = new ArrayList<>();
        FileTree.walk(dir, s, "day1/", new FileTree.Visitor() {
            @Override
            public void onFile(LocalFile file) {
                keys.add(file.key());
            }

            @Override
            public void onIgnored(String relativePath, String reason) {
                ignored.add(relativePath);
            }

            @Override
            public void onFoldersAhead(List<String> keyPrefixes) {
                ahead.addAll(keyPrefixes);
            }
        });
        assertThat(keys).containsExactly("day1/keep/a.JPG");
        assertThat(ignored).containsExactly("link.jpg");
        assertThat(ahead).containsExactly("day1/cam1/", "day1/keep/");
        List<String> linked = new ArrayList<>();
        FileTree.walk(dir, s.withFollowLinks(true), f -> linked.add(f.key()));
        assertThat(linked).containsExactly("keep/a.JPG", "link.jpg");
    }

    @Test
    void aStoppedVisitorEndsTheWalk(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 5; i++) {
            touch(dir, "f" + i, 1);
        }
        List<String> keys = new ArrayList<>();
        FileTree.walk(dir, FileSelection.all(), "", new FileTree.Visitor() {
            @Override
            public void onFile(LocalFile file) {
                keys.add(file.key());
            }

            @Override
            public boolean isStopped() {
                return keys.size() == 2;
            }
        });
        assertThat(keys).containsExactly("f0", "f1");
    }

    @Test
    void refusesAFileAndABadGlob(@TempDir Path dir) throws IOException {
        touch(dir, "f", 1);
        assertThatThrownBy(() -> FileTree.walk(dir.resolve("f"), FileSelection.all(), x -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a folder");
        assertThatThrownBy(() -> FileSelection.all().withInclude(List.of("a{b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a{b");
    }
}
