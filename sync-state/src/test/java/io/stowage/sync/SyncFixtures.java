package io.stowage.sync;

import io.stowage.sync.internal.FileStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Test files, store listings and the ledger-versus-store invariant. */
final class SyncFixtures {
    private SyncFixtures() {}

    /** {@code n} small files in nested folders ({@code d0/f000.txt}, ...) with distinct contents. */
    static Path files(Path dir, int n) {
        try {
            for (int i = 0; i < n; i++) {
                Path f = dir.resolve("d" + (i % 4)).resolve(String.format("f%03d.txt", i));
                Files.createDirectories(f.getParent());
                Files.writeString(f, "file " + i + " " + "x".repeat(i % 50), StandardCharsets.UTF_8);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative paths of every regular file under {@code dir}. */
    static java.util.SortedSet<String> relativePaths(Path dir) {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** key -> ETag of every object under {@code prefix}. */
    static Map<String, S3Object> objects(S3Client s3, String bucket, String prefix) {
        Map<String, S3Object> m = new TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> m.put(o.key(), o));
        return m;
    }

    static String md5(Path file) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The invariant of the ledger: every file it has as uploaded is in the store with the recorded size and checksum
     * (and, for files still on disk unchanged, the local content).
     */
    static void assertLedgerMatchesStore(SyncLedger ledger, String project, S3Client s3, Path dir) {
        var p = ledger.project(project);
        Map<String, S3Object> objects = objects(s3, p.bucket(), p.prefix());
        for (var row : ledger.db().files().rows(p.id())) {
            if (row.status() != FileStatus.UPLOADED) {
                continue;
            }
            S3Object o = objects.get(row.key());
            assertThat(o).as("object of %s, which the ledger has as uploaded", row.path()).isNotNull();
            assertThat(o.size()).as("size of %s", row.key()).isEqualTo(row.size());
            String eTag = o.eTag().replace("\"", "");
            assertThat(eTag).as("ETag of %s", row.key()).isEqualToIgnoringCase(row.checksum());
            Path local = dir.resolve(row.path());
            if (Files.exists(local)) {
                assertThat(eTag).as("content of %s", row.key()).isEqualToIgnoringCase(md5(local));
            }
        }
    }
}
