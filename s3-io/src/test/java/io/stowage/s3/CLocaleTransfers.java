package io.stowage.s3;

import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;

/**
 * The child JVM of {@link LocalNamesTest}'s C-locale test: uploads a folder and downloads a prefix, printing each
 * report's counts and failure reasons. Arguments: endpoint, bucket, upload folder, download folder.
 */
final class CLocaleTransfers {
    private CLocaleTransfers() {}

    public static void main(String[] args) {
        System.out.println("encoding " + System.getProperty("sun.jnu.encoding"));
        String bucket = args[1];
        try (S3Client s3 = S3Settings.forEndpoint(URI.create(args[0])).withCredentials(
                io.stowage.s3.internal.ClientFactory.LOCAL_ACCESS_KEY, io.stowage.s3.internal.ClientFactory.LOCAL_SECRET_KEY).newClient()) {
            try (ParallelUploader up = ParallelUploader.builder(s3).build()) {
                print("upload", up.upload(Path.of(args[2]), S3Location.parse("s3://" + bucket + "/up/")));
            }
            try (ParallelDownloader down = ParallelDownloader.builder(s3).build()) {
                print("download", down.download(S3Location.parse("s3://" + bucket + "/down/"), Path.of(args[3])));
            }
        }
    }

    private static void print(String what, TransferReport r) {
        System.out.println(what + " transferred=" + r.transferred() + " failed=" + r.failed());
        r.failures().forEach(f -> System.out.println("  " + f.reason()));
    }
}
