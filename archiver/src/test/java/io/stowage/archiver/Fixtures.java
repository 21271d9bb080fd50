package io.stowage.archiver;

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

/** Test layouts: clips generated once per JVM with the bundled ffmpeg, empty or sized files, tree hashes. */
final class Fixtures {
    private static Path clip;

    private Fixtures() {}

    /** A 1 s, 160x120 H.264 + AAC clip, generated once per JVM. */
    static synchronized Path clip(Transcoder t) throws IOException {
        if (clip == null) {
            Path dir = Files.createTempDirectory("stowage-archiver-media");
            clip = dir.resolve("clip.mp4");
            t.createTestClip(clip, Duration.ofSeconds(1), 160, 120, true);
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
