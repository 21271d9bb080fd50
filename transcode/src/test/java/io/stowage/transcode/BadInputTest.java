package io.stowage.transcode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input gets a typed error and leaves no output (nor temporary file) behind. */
class BadInputTest {
    @TempDir
    static Path mediaDir;
    static TestMedia media;
    static Transcoder transcoder;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        media = TestMedia.in(mediaDir);
        transcoder = Transcoder.create();
    }

    @AfterAll
    static void stop() {
        transcoder.close();
    }

    private Path out() {
        return dir.resolve("out").resolve("result.mp4");
    }

    private void assertNothingWritten() throws Exception {
        Path outDir = dir.resolve("out");
        if (Files.exists(outDir)) {
            assertThat(TestMedia.list(outDir)).isEmpty();
        }
    }

    @Test
    void missingFileIsInputUnreadable() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(dir.resolve("nope.mp4"), out(), "h264"))
                .isInstanceOf(TranscodeInputUnreadableException.class)
                .hasMessageContaining("nope.mp4").hasMessageContaining("no such file");
        assertNothingWritten();
    }

    @Test
    void emptyFileIsInputUnreadable() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        assertThatThrownBy(() -> transcoder.transcode(empty, out(), "h264"))
                .isInstanceOf(TranscodeInputUnreadableException.class).hasMessageContaining("empty file");
        assertNothingWritten();
    }

    @Test
    void randomBytesAreInputUnreadable() throws Exception {
        byte[] junk = new byte[64 * 1024];
        new Random(42).nextBytes(junk);
        Path f = Files.write(dir.resolve("junk.mp4"), junk);
        assertThatThrownBy(() -> transcoder.transcode(f, out(), "h264"))
                .isInstanceOf(TranscodeInputUnreadableException.class).hasMessageContaining("ffprobe says");
        assertNothingWritten();
    }

    @Test
    void plainTextIsInputUnreadable() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.txt"), "not a video\n".repeat(200));
        assertThatThrownBy(() -> transcoder.transcode(f, out(), "h264"))
                .isInstanceOf(TranscodeInputUnreadableException.class);
        assertNothingWritten();
    }

    @Test
    void truncatedMp4WithIndexAtTheEndIsInputUnreadable() throws Exception {
        byte[] whole = Files.readAllBytes(media.clip());
        Path f = Files.write(dir.resolve("truncated.mp4"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> transcoder.transcode(f, out(), "h264"))
                .isInstanceOf(TranscodeInputUnreadableException.class).hasMessageContaining("moov atom not found");
        assertNothingWritten();
    }

    @Test
    void truncatedMp4WithIndexFirstFailsTypedAndLeavesNothing() throws Exception {
        // the index survives, so ffprobe reads it, but half the media is missing
        byte[] whole = Files.readAllBytes(media.faststartClip());
        Path f = Files.write(dir.resolve("truncated-fs.mp4"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> transcoder.transcode(f, out(), "h264"))
                .isInstanceOfAny(TranscodeVerificationFailedException.class, TranscodeFailedException.class);
        assertNothingWritten();
    }

    @Test
    void directoryIsInputUnreadable() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(dir, out(), "h264"))
                .isInstanceOf(TranscodeInputUnreadableException.class).hasMessageContaining("directory");
    }

    @Test
    void audioPresetOnVideoOnlyInputIsIncompatible() throws Exception {
        assertThatThrownBy(() -> transcoder.transcode(media.videoOnly(), out(), "audio-aac"))
                .isInstanceOf(TranscodeIncompatibleInputException.class).hasMessageContaining("no audio stream");
        assertNothingWritten();
    }

    @Test
    void unknownPresetNamesTheKnownOnes() {
        assertThatThrownBy(() -> transcoder.transcode(media.clip(), out(), "h266"))
                .isInstanceOf(TranscodeUnknownPresetException.class)
                .hasMessageContaining("h266").hasMessageContaining("web-mp4")
                .satisfies(e -> {
                    assertThat(((TranscodeUnknownPresetException) e).name()).isEqualTo("h266");
                    assertThat(((TranscodeUnknownPresetException) e).known()).contains("web-mp4", "h264");
                });
    }

    @Test
    void existingOutputIsNotOverwrittenWithoutPermission() throws Exception {
        Path existing = Files.writeString(dir.resolve("keep.mp4"), "precious");
        assertThatThrownBy(() -> transcoder.transcode(media.clip(), existing, "copy"))
                .isInstanceOf(TranscodeOutputExistsException.class)
                .satisfies(e -> assertThat(((TranscodeOutputExistsException) e).path()).isEqualTo(existing));
        assertThat(Files.readString(existing)).isEqualTo("precious");
        TranscodeReport r = transcoder.transcode(TranscodeRequest.of(media.clip(), existing, "copy")
                .withOverwrite(true));
        assertThat(r.outputSize()).isGreaterThan(100);
        assertThat(TestMedia.list(dir)).containsExactly("keep.mp4");
    }

    @Test
    void outputLargerThanInputIsRejectedWhenAsked() throws Exception {
        // lossless H.264 of the clip is many times larger than the lossy input
        PresetCatalog presets = PresetCatalog.builtIn().with(PresetCatalog.parse("""
                {"presets": [{"name": "lossless", "format": "mp4",
                  "video": {"mode": "encode", "codec": "h264",
                            "encoders": [{"name": "libx264", "args": ["-preset", "ultrafast", "-qp", "0"]}]},
                  "audio": {"mode": "copy"}}]}
                """));
        try (Transcoder t = Transcoder.create(TranscoderConfig.defaults().withPresets(presets))) {
            TranscodeRequest r = TranscodeRequest.of(media.clip(), out(), "lossless");
            assertThatThrownBy(() -> t.transcode(r.withRejectLargerThanInput(true)))
                    .isInstanceOfSatisfying(TranscodeVerificationFailedException.class, e -> assertThat(e.problems())
                            .anySatisfy(p -> assertThat(p).contains("larger than the input")));
            assertNothingWritten();
            assertThat(t.transcode(r).outputSize()).isGreaterThan(Files.size(media.clip()));
        }
    }

    @Test
    void staleTemporaryOutputsAreRemovedAndFreshOnesKept() throws Exception {
        Path stale = Files.writeString(dir.resolve(JobRunner.TEMP_PREFIX + "0badf00d-cam.mp4"), "half");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - java.time.Duration.ofHours(2).toMillis()));
        Path fresh = Files.writeString(dir.resolve(JobRunner.TEMP_PREFIX + "12345678-cam.mp4"), "busy");
        Path other = Files.writeString(dir.resolve("cam.mp4"), "keep");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(stale));
        assertThat(Transcoder.removeStaleTemporaryFiles(dir, java.time.Duration.ofHours(1))).containsExactly(stale);
        assertThat(TestMedia.list(dir)).containsExactlyInAnyOrder(fresh.getFileName().toString(), "cam.mp4");
        assertThat(Transcoder.removeStaleTemporaryFiles(dir.resolve("missing"), java.time.Duration.ZERO)).isEmpty();
    }

    @Test
    void trimStartAfterTheEndIsIncompatible() {
        assertThatThrownBy(() -> transcoder.transcode(TranscodeRequest.of(media.clip(), out(), "h264")
                .withTrim(java.time.Duration.ofSeconds(5), null)))
                .isInstanceOf(TranscodeIncompatibleInputException.class).hasMessageContaining("trim start");
    }
}
