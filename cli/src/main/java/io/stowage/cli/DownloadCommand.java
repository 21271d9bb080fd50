package io.stowage.cli;

import io.stowage.s3.DownloadOptions;
import io.stowage.s3.ParallelDownloader;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.TransferReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stowage download s3://BUCKET/PREFIX DIR}: the parallel, verifying, atomic download. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download everything under s3://BUCKET/PREFIX into a folder in parallel.",
            "Big objects come as parallel ranges while workers would otherwise idle (a few",
            "big files, the end of a run). Each file is written to a temporary name,",
            "verified (size; the CRC-32C recorded by Stowage's upload, else the MD5 of a",
            "single-part object), put on disk and renamed: a file has its name only once",
            "its bytes are durable. On Linux finished files are synced in batches (one",
            "syncfs per up to 100 ms), elsewhere or with --fsync-each one fsync per file.",
            "Files already there with the same size are skipped; a different existing",
            "file is left alone and reported unless --force. Keys that would escape the",
            "folder ('..', absolute) are refused. Failed files are listed with the",
            "reason (exit code 3)."},
        footer = {"", "Examples:",
            "  stowage download s3://bucket/day1 ./restore --endpoint http://127.0.0.1:9000",
            "  stowage download s3://media/cam1 /data/cam1 --workers 32 --checksum --json"})
final class DownloadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "s3://BUCKET/PREFIX", description = "What to download.")
    String source;

    @Parameters(index = "1", paramLabel = "DIR", description = "Folder to download into (created if missing).")
    Path dir;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "16", description = "Objects at once (default 16).")
    int workers;

    @Option(names = "--force", description = "Download everything again and overwrite existing files.")
    boolean force;

    @Option(names = "--checksum", description = "Skip an existing file only when its MD5 also matches.")
    boolean checksum;

    @Option(names = "--part-size", paramLabel = "SIZE", defaultValue = "16MiB", converter = SizeConverter.class,
            description = "Range size for big objects (default 16MiB); objects from twice this size may use ranges.")
    long partSize;

    @Option(names = "--flat-list", description = "List the whole prefix in 1000-key pages instead of folder by folder "
            + "(default; far faster on stores such as S3Proxy whose listing cost grows with the whole prefix).")
    boolean flatList;

    @Option(names = "--fsync-each", description = "Fsync each file before its rename instead of syncing finished files "
            + "in batches (syncfs also writes out what other programs wrote to that file system).")
    boolean fsyncEach;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5",
            description = "Attempts per request for transient errors (default 5).")
    int attempts;

    @CommandLine.Mixin
    S3Cli.EndpointOption endpoint;

    @Option(names = "--json", description = "Print the report as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        S3Location loc = S3Cli.location(source, "s3://BUCKET/PREFIX");
        if (force && checksum) {
            throw CliException.usage("--force and --checksum contradict each other: --force downloads everything");
        }
        DownloadOptions options;
        try {
            options = DownloadOptions.defaults().withWorkers(workers).withRanges(partSize * 2, partSize)
                    .withSkip(force ? DownloadOptions.Skip.NEVER : checksum
                            ? DownloadOptions.Skip.SAME_SIZE_AND_CHECKSUM : DownloadOptions.Skip.SAME_SIZE)
                    .withOverwrite(force)
                    .withListing(flatList ? io.stowage.s3.UploadOptions.Listing.FLAT
                            : io.stowage.s3.UploadOptions.Listing.BY_FOLDER)
                    .withRetries(attempts, DownloadOptions.defaults().initialBackoff(),
                            DownloadOptions.defaults().maxBackoff())
                    .withDurability(fsyncEach ? DownloadOptions.Durability.PER_FILE
                            : DownloadOptions.Durability.BATCHED);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        S3Settings settings = endpoint.settings(workers * 2 + 4);
        try (S3Client s3 = settings.newClient();
             S3ProgressBar bar = S3ProgressBar.start("download", json);
             ParallelDownloader downloader = ParallelDownloader.builder(s3).options(options).listener(bar).build()) {
            S3Cli.checkBucket(s3, loc, settings);
            TransferReport r = S3Cli.withInterrupt(downloader::cancel, () -> downloader.download(loc, dir), rep -> {
                bar.close();
                if (json) {
                    Output.printJson(spec.commandLine().getOut(),
                            S3Json.Transfer.download(rep, loc.toString(), dir.toString()));
                } else {
                    S3Cli.printHuman(spec.commandLine().getOut(), rep, "downloaded", dir.toString());
                }
            });
            return r.isComplete() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }
}
