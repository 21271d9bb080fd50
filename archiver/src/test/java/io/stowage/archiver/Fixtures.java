package io.stowage.archiver;

import io.stowage.testing.core.MediaGenerator;
import io.stowage.testing.core.MediaSpec;
import io.stowage.transcode.Transcoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Test layouts: a clip generated once per JVM, empty or sized files, tree hashes. */
final class Fixtures {
    private static Path clip;

    private Fixtures() {}

    /** A 1 s, 160x120 H.264 + AAC clip from testing-core's generator (the bundled ffmpeg), made once per JVM. */
    static synchronized Path clip(Transcoder t) {
        if (clip == null) {
            clip = MediaGenerator.of(t.ffmpegPath()).cached(MediaSpec.mp4(1));
        }
        return clip;
    }

    /** Copies the clip to {@code rel} under {@code root}, an hour old (settled). */
    static Path copyClip(Transcoder t, Path root, String rel) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.copy(clip(t), p);
        return settled(p);
    }

    /** A file of {@code size} bytes at {@code rel}, an hour old. */
    static Path file(Path root, String rel, int size) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[size]);
        return settled(p);
    }

    static Path settled(Path p) throws IOException {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        return p;
    }

    /** Relative names of every regular file under {@code root}, sorted. */
    static List<String> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** A hash of the whole tree: every path (files and folders), size and modification time. */
    static String treeHash(Path root) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                md.update((root.relativize(p) + "|" + (Files.isDirectory(p) ? "dir" : Files.size(p)) + "|"
                        + Files.getLastModifiedTime(p).toMillis() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static long treeBytes(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            long n = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                n += Files.size(p);
            }
            return n;
        }
    }
}
