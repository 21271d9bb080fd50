package io.stowage.transcode;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link KillJvmTest}: starts a slow transcode, prints {@code FFMPEG_PID <pid>} once progress flows,
 * then waits to be killed with {@code kill -9}.
 */
public final class KilledJvmChild {
    private KilledJvmChild() {}

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Transcoder t = Transcoder.create(TranscoderConfig.defaults().withPresets(TestMedia.presetsWithSlow()));
        CountDownLatch progress = new CountDownLatch(2);
        TranscodeJob job = t.submit(TranscodeRequest.of(input, output, "slow-h264")
                .withListener(TranscodeListener.progress(e -> progress.countDown())));
        progress.await();
        System.out.println("FFMPEG_PID " + job.running().pid());
        System.out.flush();
        // block until killed; the bound only keeps an orphaned child (test JVM gone) from living for ever
        new CountDownLatch(1).await(2, TimeUnit.MINUTES);
        System.exit(3); // the test kills us long before this
    }
}
