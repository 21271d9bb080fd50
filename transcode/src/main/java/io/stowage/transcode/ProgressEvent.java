package io.stowage.transcode;

import java.time.Duration;

/**
 * One progress report of a running job, parsed from ffmpeg's {@code -progress} output.
 *
 * <p>{@code listener = e -> System.err.printf("%.1f%% %s%n", e.percent(), e.encoder());}
 *
 * @param percent 0 to 100, never lower than a previous event of the same job; {@code NaN} when the expected
 *     duration is unknown
 * @param outTime media time written so far
 * @param expectedDuration media time the output should have, or {@code null} when unknown
 * @param frame frames written so far (0 for audio only)
 * @param fps frames per second of the encoder, or {@code NaN} when ffmpeg reports N/A
 * @param speed media seconds per wall-clock second (e.g. 4.2), or {@code NaN} when ffmpeg reports N/A
 * @param totalSize bytes written so far, or -1 when unknown
 * @param eta estimated remaining wall time, or {@code null} when unknown
 * @param elapsed wall time since the job started
 * @param encoder the video (else audio) encoder of the running attempt, e.g. {@code "libx264"}
 * @param done true for the last event of a successful ffmpeg run ({@code progress=end})
 *
 * <p>Immutable, so thread-safe.
 */
public record ProgressEvent(double percent, Duration outTime, Duration expectedDuration, long frame, double fps,
        double speed, long totalSize, Duration eta, Duration elapsed, String encoder, boolean done) {
}
