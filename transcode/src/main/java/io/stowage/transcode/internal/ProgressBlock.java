package io.stowage.transcode.internal;

/**
 * One block of ffmpeg's {@code -progress} output, ended by a {@code progress=continue|end} line. Unknown values
 * ({@code N/A}, missing keys) are -1 for counts and {@code NaN} for rates.
 *
 * @param frame frames written, or -1
 * @param fps encoder frames per second, or NaN
 * @param outTimeMicros media time written in microseconds (never negative), or -1
 * @param totalSize bytes written, or -1
 * @param speed media seconds per wall second, or NaN
 * @param end true for {@code progress=end}
 */
public record ProgressBlock(long frame, double fps, long outTimeMicros, long totalSize, double speed, boolean end) {
}
