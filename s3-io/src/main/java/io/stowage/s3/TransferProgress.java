package io.stowage.s3;

import java.time.Duration;

/**
 * A snapshot of a running transfer, given to {@link TransferListener#onProgress}.
 *
 * <p>{@code String line = p.filesDone() + "/" + p.filesTotal() + " files, " + p.bytesPerSecond() + " B/s";}
 *
 * <p>Totals grow while the folder or listing is still being scanned ({@link #scanComplete()} false). Immutable.
 *
 * @param filesDone      files finished (transferred, skipped or failed)
 * @param filesTotal     files found so far
 * @param filesFailed    files failed so far
 * @param bytesDone      bytes of finished files and parts (transferred and skipped)
 * @param bytesTotal     bytes of the files found so far
 * @param elapsed        time since the start
 * @param bytesPerSecond transferred bytes per second since the start
 * @param eta            estimated time left, or {@code null} while unknown
 * @param scanComplete   whether every file has been found
 */
public record TransferProgress(long filesDone, long filesTotal, long filesFailed, long bytesDone, long bytesTotal,
                               Duration elapsed, double bytesPerSecond, Duration eta, boolean scanComplete) {}
