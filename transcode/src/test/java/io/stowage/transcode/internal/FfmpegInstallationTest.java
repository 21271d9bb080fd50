package io.stowage.transcode.internal;

import io.stowage.transcode.TranscodeFfmpegUnavailableException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FfmpegInstallationTest {
    @Test
    void bundledExecutablesStart() {
        FfmpegInstallation inst = FfmpegInstallation.bundled();
        assertThat(inst.isBundled()).isTrue();
        assertThat(inst.version()).startsWith("ffmpeg version 8.0.1");
        assertThat(inst.ffmpeg()).isExecutable();
        assertThat(inst.ffprobe()).isExecutable();
        assertThat(inst.environment()).containsKey("LD_LIBRARY_PATH");
        assertThat(inst.environment().get("LD_LIBRARY_PATH")).startsWith(inst.ffmpeg().getParent().toString());
    }

    @Test
    void missingLibpulseNamesThePackageToInstall() {
        // the loader's exact words when libpulse0 is not installed (seen on a server image)
        String out = "/root/.javacpp/cache/ffmpeg-8.0.1-1.5.13-linux-x86_64-gpl.jar/org/bytedeco/ffmpeg/"
                + "linux-x86_64-gpl/ffmpeg: error while loading shared libraries: libpulse.so.0: cannot open "
                + "shared object file: No such file or directory\n";
        String msg = FfmpegInstallation.explainStartFailure(Path.of("/x/ffmpeg"), "ffmpeg", 127, out);
        assertThat(msg).contains("libpulse.so.0").contains("apt-get install -y libpulse0");
    }

    @Test
    void missingLibpulseWhileLoadingNamesThePackageToInstall() {
        // what Loader.load(org.bytedeco.ffmpeg.ffmpeg.class) throws without libpulse0 (seen on this machine)
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("/root/.javacpp/cache/ffmpeg-8.0.1-1.5.13-linux-"
                + "x86_64-gpl.jar/org/bytedeco/ffmpeg/linux-x86_64-gpl/libjniavdevice.so: libpulse.so.0: cannot open"
                + " shared object file: No such file or directory");
        UnsatisfiedLinkError top = new UnsatisfiedLinkError("no jniavdevice in java.library.path: /usr/lib");
        top.initCause(cause);
        String msg = FfmpegInstallation.explainLoadFailure(top);
        assertThat(msg).contains("libpulse.so.0 is missing").contains("apt-get install -y libpulse0");
        assertThat(FfmpegInstallation.explainLoadFailure(new UnsatisfiedLinkError("no jniavutil")))
                .contains("cannot extract");
    }

    @Test
    void otherMissingLibraryIsNamedToo() {
        String msg = FfmpegInstallation.explainStartFailure(Path.of("/x/ffmpeg"), "ffmpeg", 127,
                "ffmpeg: error while loading shared libraries: libva.so.2: cannot open shared object file");
        assertThat(msg).contains("libva.so.2").doesNotContain("libpulse0");
    }

    @Test
    void systemFfmpegThatIsNotThereIsUnavailable() {
        assertThatThrownBy(() -> FfmpegInstallation.system(Path.of("no-such-ffmpeg-here"), Path.of("ffprobe")))
                .isInstanceOf(TranscodeFfmpegUnavailableException.class).hasMessageContaining("PATH");
        assertThatThrownBy(() -> FfmpegInstallation.system(Path.of("/nonexistent/ffmpeg"), Path.of("/x/ffprobe")))
                .isInstanceOf(TranscodeFfmpegUnavailableException.class).hasMessageContaining("not an executable")
                .satisfies(e -> {
                    assertThat(((TranscodeFfmpegUnavailableException) e).path()).isEqualTo("/nonexistent/ffmpeg");
                    assertThat(((TranscodeFfmpegUnavailableException) e).reason()).isEqualTo("not an executable file");
                });
    }

    @Test
    void encoderListingIsParsed() {
        String listing = """
                Encoders:
                 V..... = Video
                 ------
                 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
                 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
                 VFS..D mjpeg                MJPEG (Motion JPEG)
                 A....D aac                  AAC (Advanced Audio Coding)
                """;
        Map<String, EncoderRegistry.Listed> m = EncoderRegistry.parseListing(listing);
        assertThat(m).containsOnlyKeys("libx264", "h264_nvenc", "mjpeg", "aac");
        assertThat(m.get("libx264").codec()).isEqualTo("h264");
        assertThat(m.get("mjpeg").codec()).isEqualTo("mjpeg");
        assertThat(m.get("aac").type()).isEqualTo('A');
    }
}
