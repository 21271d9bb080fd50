package io.stowage.cli;

import io.stowage.s3.S3Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stowage s3 serve} from the shaded jar as a real process: endpoint first, serves, stops on SIGTERM. */
class S3ServeIT {
    @Test
    void servesTheFolderAndStopsCleanlyOnSigterm(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("store");
        Files.createDirectories(store.resolve("existing"));
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("stowage.jar"), "s3", "serve", "--dir", store.toString(),
                "--bucket", "media"))
                .redirectError(tmp.resolve("err.txt").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).startsWith("endpoint: http://127.0.0.1:");
            URI endpoint = URI.create(first.substring("endpoint: ".length()));
            try (S3Client s3 = S3Settings.forEndpoint(endpoint).newClient()) {
                assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).contains("existing", "media");
                s3.putObject(b -> b.bucket("media").key("a/b.txt"), RequestBody.fromString("hello"));
            }
            assertThat(store.resolve("media")).isDirectory();
            p.destroy();   // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(tmp.resolve("err.txt"))).contains("stopped " + endpoint);
        } finally {
            p.destroyForcibly();
        }
    }
}
