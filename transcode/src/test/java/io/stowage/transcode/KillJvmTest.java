package io.stowage.transcode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** ffmpeg never outlives its JVM: after {@code kill -9} of the Java process its ffmpeg exits and the partial goes. */
class KillJvmTest {
    @TempDir
    static Path mediaDir;
    static TestMedia media;

    @BeforeAll
    static void media() {
        media = TestMedia.in(mediaDir);
    }
    @TempDir
    Path dir;

    @Test
    void ffmpegDiesWithItsJvmAndLeavesNoPartialOutput() throws Exception {
        Path input = media.longClip();
        Path output = dir.resolve("out.mp4");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KilledJvmChild.class.getName(), input.toString(), output.toString())
                .redirectErrorStream(true).start();
        long ffmpegPid = -1;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("FFMPEG_PID ")) {
                    ffmpegPid = Long.parseLong(line.substring("FFMPEG_PID ".length()).trim());
                    break;
                }
            }
            assertThat(ffmpegPid).as("child output:\n%s", seen).isPositive();
            assertThat(TestMedia.running(ffmpegPid)).isTrue();
            List<String> during = TestMedia.list(dir);
            assertThat(during).singleElement().asString().startsWith(JobRunner.TEMP_PREFIX);

            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);

            assertThat(TestMedia.awaitGone(ffmpegPid)).as("ffmpeg pid %d still running after its JVM was killed",
                    ffmpegPid).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!TestMedia.list(dir).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(TestMedia.list(dir)).as("partial output removed").isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }
}
