package io.stowage.cli;

import io.stowage.s3.ParallelUploader;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Settings;
import io.stowage.s3.SkipPolicy;
import io.stowage.s3.TransferReport;
import io.stowage.s3.UploadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code stowage upload DIR s3://BUCKET/PREFIX}: the parallel, skipping, verifying upload. */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Upload a folder tree to s3://BUCKET/PREFIX in parallel.",
            "Keys are the relative paths under the prefix. Files already there with the same size are skipped",
            "(with --checksum also the same MD5), using listing pages, not one request per file. Every object is",
            "sent with Content-MD5 and its ETag checked; big files go as parallel multipart uploads. Transient",
            "errors are retried with backoff; failed files are listed with the reason (exit code 3)."},
        footer = {"", "Examples:",
            "  stowage upload ./photos s3://bucket/day1 --endpoint http://127.0.0.1:9000",
            "  stowage upload /mnt/cam s3://media/cam1 --workers 32 --ext mp4 --exclude '**/.tmp/**' --json",
            "  stowage upload ./photos s3://media/day1 --state stowage.db --project photos   (ledgered, resumable)"})
final class UploadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder to upload.")
    Path dir;

    @Parameters(index = "1", paramLabel = "s3://BUCKET/PREFIX", description = "Where to upload to.")
    String target;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "16", description = "Files at once (default 16).")
    int workers;

    @Option(names = "--force", description = "Upload every file, even those already there.")
    boolean force;

    @Option(names = "--checksum", description = "Skip only when size and MD5 match (reads each candidate file).")
    boolean checksum;

    @Option(names = "--include", paramLabel = "GLOB", description = "Upload only paths matching (repeatable), "
            + "e.g. 'cam*/**'.")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out paths matching (repeatable), "
            + "e.g. '**/.git/**'.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--ext", paramLabel = "EXT", split = ",", description = "Upload only these extensions, "
            + "e.g. jpg,mp4.")
    List<String> extensions = new ArrayList<>();

    @Option(names = "--follow-links", description = "Follow symbolic links (loops are detected); default: skip them.")
    boolean followLinks;

    @Option(names = "--multipart-threshold", paramLabel = "SIZE", defaultValue = "100MiB",
            converter = SizeConverter.class, description = "Multipart (parallel parts) from this size; smaller files "
            + "go in one PUT (default 100MiB).")
    long multipartThreshold;

    @Option(names = "--part-size", paramLabel = "SIZE", defaultValue = "16MiB", converter = SizeConverter.class,
            description = "Multipart part size (default 16MiB; grows so no object needs more than 10000 parts).")
    long partSize;

    @Option(names = "--flat-list", description = "List the whole prefix in 1000-key pages for the skip check "
            + "(fewest requests on AWS with small folders) instead of one listing per folder (default; far faster on "
            + "stores such as S3Proxy whose listing cost grows with the whole prefix).")
    boolean flatList;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5",
            description = "Attempts per request for transient errors (default 5).")
    int attempts;

    @CommandLine.Mixin
    S3Cli.EndpointOption endpoint;

    @CommandLine.Mixin
    SyncUploadSupport.Options ledger;

    @Option(names = "--json", description = "Print the report as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw CliException.usage("DIR " + dir + (Files.exists(dir) ? " is not a folder" : " does not exist"));
        }
        S3Location loc = S3Cli.location(target, "s3://BUCKET/PREFIX");
        UploadOptions options;
        try {
            options = UploadOptions.defaults().withWorkers(workers).withInclude(include).withExclude(exclude)
                    .withExtensions(new HashSet<>(extensions)).withFollowLinks(followLinks)
                    .withMultipart(multipartThreshold, partSize)
                    .withListing(flatList ? UploadOptions.Listing.FLAT : UploadOptions.Listing.BY_FOLDER)
                    .withRetries(attempts, UploadOptions.defaults().initialBackoff(),
                            UploadOptions.defaults().maxBackoff());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (ledger.active()) {
            return SyncUploadSupport.upload(spec, ledger, dir, loc, options, endpoint, json, force, checksum);
        }
        if (force && checksum) {
            throw CliException.usage("--force and --checksum contradict each other: --force uploads everything");
        }
        SkipPolicy policy = force ? SkipPolicy.never()
                : checksum ? SkipPolicy.sameSizeAndChecksum(options) : SkipPolicy.sameSize();
        S3Settings settings = endpoint.settings(workers * 2 + 4);
        try (S3Client s3 = settings.newClient();
             S3ProgressBar bar = S3ProgressBar.start("upload", json);
             ParallelUploader uploader = ParallelUploader.builder(s3).options(options).skipPolicy(policy)
                     .listener(bar).build()) {
            S3Cli.checkBucket(s3, loc, settings);
            TransferReport r = S3Cli.withInterrupt(uploader::cancel, () -> uploader.upload(dir, loc), rep -> {
                bar.close();
                if (json) {
                    Output.printJson(spec.commandLine().getOut(),
                            S3Json.Transfer.upload(rep, dir.toString(), loc.toString()));
                } else {
                    S3Cli.printHuman(spec.commandLine().getOut(), rep, "uploaded", loc.toString());
                }
            });
            return r.isComplete() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }
}
