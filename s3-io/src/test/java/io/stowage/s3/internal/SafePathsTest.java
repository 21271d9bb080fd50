package io.stowage.s3.internal;

import io.stowage.s3.S3UnsafeKeyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SafePaths} (moved from ParallelDownloaderTest, so SafePaths can be package-private). */
class SafePathsTest {
    @Test
    void safePathsRejectEveryEscape(@TempDir Path root) {
        for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "..", "", "a\0b")) {
            assertThatThrownBy(() -> SafePaths.resolve(root, "k:" + bad, bad))
                    .as(bad).isInstanceOf(S3UnsafeKeyException.class)
                    .satisfies(e -> assertThat(((S3UnsafeKeyException) e).key()).isEqualTo("k:" + bad))
                    .satisfies(e -> assertThat(((S3UnsafeKeyException) e).reason()).isNotBlank());
        }
        assertThat(SafePaths.resolve(root, "k", "a/b c/..d/e.."))
                .isEqualTo(root.toAbsolutePath().resolve("a/b c/..d/e.."));
    }
}
