/**
 * The implementation of {@link io.stowage.transcode.Transcoder}: running and parsing ffmpeg/ffprobe, encoder
 * detection, verification. Not API: {@code module-info} does not export this package, and its types are {@code public}
 * only because {@code io.stowage.transcode} (another package of this module) uses them.
 *
 * <p>One deliberate outside user: the {@code benchmarks} module, which runs on the class path and measures
 * internals that have no public surface on purpose. {@code ProgressParserBenchmark} drives {@link
 * io.stowage.transcode.internal.ProgressParser} with {@link io.stowage.transcode.internal.ProgressBlock};
 * {@code TranscodeOverhead} builds the exact command line with {@link io.stowage.transcode.internal.FfmpegCommand}
 * and runs it through {@link io.stowage.transcode.internal.FfmpegInstallation} to compare against the
 * {@code Transcoder}. Changing those four types means updating those two benchmarks; no other module may import
 * this package.
 */
package io.stowage.transcode.internal;
