package io.stowage.testing.core;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Media made with org.bytedeco's ffmpeg (test scope only): the container's magic bytes, the cache, the failures. */
class MediaGeneratorTest {
    static MediaGenerator media;

    @BeforeAll
    static void ffmpeg() {
        media = MediaGenerator.of(Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)));
    }

    @Test
    void mp4HasAnFtypBox() throws Exception {
        Path clip = media.cached(MediaSpec.mp4(1));
        byte[] head = Files.readAllBytes(clip);
        assertThat(new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        assertThat(media.cached(MediaSpec.mp4(1))).isEqualTo(clip);
        assertThat(media.cached(MediaSpec.mp4(1).withAudio(false))).isNotEqualTo(clip);
    }

    @Test
    void tsIsWholePacketsWithSyncBytes(@TempDir Path dir) throws Exception {
        Path ts = media.generate(MediaSpec.ts(1).withAudio(false), dir.resolve("a.ts"));
        byte[] b = Files.readAllBytes(ts);
        assertThat(b.length % 188).isZero();
        for (int p = 0; p < b.length; p += 188) {
            assertThat(b[p]).isEqualTo((byte) 0x47);
        }
    }

    @Test
    void jpgStartsWithSoi(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(media.generate(MediaSpec.jpg(), dir.resolve("a.jpg")));
        assertThat(b[0]).isEqualTo((byte) 0xFF);
        assertThat(b[1]).isEqualTo((byte) 0xD8);
    }

    @Test
    void ffmpegFailureCarriesItsOutput(@TempDir Path dir) {
        MediaSpec bad = MediaSpec.mp4(1).withExtraArgs(List.of("-no-such-option", "x"));
        assertThatThrownBy(() -> media.generate(bad, dir.resolve("bad.mp4")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no-such-option");
    }

    @Test
    void specChecksItsValues() {
        assertThatThrownBy(() -> MediaSpec.mp4(1).withSize(161, 120)).hasMessageContaining("161x120");
        assertThatThrownBy(() -> MediaSpec.mp4(0)).hasMessageContaining("seconds 0.0");
        assertThat(MediaSpec.ts(2).fileName()).endsWith(".ts");
    }
}
