package io.stowage.examples;

import io.stowage.des.DesVerifyReport;
import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.S3DesReader;
import io.stowage.des.s3.S3DesSink;
import io.stowage.des.s3.S3ExternalStore;
import io.stowage.s3.EmbeddedS3;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * DES on S3: 600 small files and one big video packed straight into EmbeddedS3 (streamed multipart upload, the video
 * as a {@code _bigFiles/} object), then read back with the fewest requests: 2 for a cold read, 1 warm, 0 to open a
 * second reader from the shared index cache, 1 for a batch of 50 neighbours.
 *
 * <p>{@code new DesS3Demo().run(Files.createTempDirectory("des-s3"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class DesS3Demo implements DemoPipeline {
    static final int FILES = 600;

    @Override
    public String name() {
        return "des-s3";
    }

    @Override
    public String description() {
        return "pack " + FILES + " files into a DES archive in EmbeddedS3 (multipart), read it cold (2 requests) and"
                + " warm (1)";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        Random rnd = new Random(5);
        List<String> names = new ArrayList<>();
        byte[][] data = new byte[FILES][];
        for (int i = 0; i < FILES; i++) {
            names.add(String.format(Locale.ROOT, "IMG_20250115_%04d.jpg", i));
            data[i] = new byte[8 * 1024 + rnd.nextInt(4096)];
            rnd.nextBytes(data[i]);
        }
        byte[] video = new byte[3 << 20];
        rnd.nextBytes(video);
        String key = "2025-01-15/shard_07/day.des";
        try (EmbeddedS3 store = EmbeddedS3.builder().directory(workDir.resolve("store")).bucket("demo").start();
             S3Client s3 = store.settings().withMaxConnections(16).newClient();
             IndexCache cache = IndexCache.caffeine(16L << 20)) {
            long t0 = System.nanoTime();
            DesWriteReport written;
            try (DesWriter w = DesWriter.builder(S3DesSink.builder(s3, "demo", key).partSize(5 << 20).build())
                    .externalThreshold(1 << 20)
                    .externalStore(S3ExternalStore.create(s3, "demo"), "2025-01-15/shard_07")
                    .build()) {
                for (int i = 0; i < FILES; i++) {
                    w.add(names.get(i), data[i], Map.of("camera", "cam-" + (i % 4)));
                }
                w.add("clip.ts", video, Map.of("kind", "video"));
                written = w.finish();
            }
            out.printf(Locale.ROOT, "  pack:  %d entries (%.1f MiB inside, %d external) -> %s in %.2f s%n",
                    written.entries(), written.dataBytes() / 1048576.0, written.externalEntries(), written.archive(),
                    (System.nanoTime() - t0) / 1e9);

            try (S3DesReader cold = S3DesReader.builder(s3, "demo", key).indexCache(cache).open()) {
                check(Arrays.equals(bytes(cold.read(names.get(17))), data[17]), "cold read gave other bytes");
                long coldRequests = cold.stats().requests();
                check(coldRequests == 2, "cold read took " + coldRequests + " requests, expected 2");
                check(Arrays.equals(bytes(cold.read(names.get(400))), data[400]), "warm read gave other bytes");
                long warmRequests = cold.stats().requests() - coldRequests;
                check(warmRequests == 1, "warm read took " + warmRequests + " requests, expected 1");
                check(Arrays.equals(bytes(cold.read("clip.ts")), video), "external entry gave other bytes");
                out.printf(Locale.ROOT, "  read:  cold %d requests (footer+index, payload), warm %d request,"
                        + " no HEAD%n", coldRequests, warmRequests);
            }
            try (S3DesReader second = S3DesReader.builder(s3, "demo", key).indexCache(cache).open()) {
                long opened = second.stats().requests();
                Map<String, ByteBuffer> batch = second.readAll(names.subList(100, 150));
                long batchRequests = second.stats().requests() - opened;
                for (int i = 100; i < 150; i++) {
                    check(Arrays.equals(bytes(batch.get(names.get(i))), data[i]), "batch entry " + i + " differs");
                }
                check(opened == 0 && batchRequests == 1, "second reader: open " + opened + ", batch of 50 "
                        + batchRequests + " requests; expected 0 and 1");
                DesVerifyReport rep = second.verify();
                check(rep.ok(), "verify: " + rep.problems());
                out.printf(Locale.ROOT, "  cache: a second reader opened with %d requests, read 50 neighbours with"
                        + " %d; verify OK (%d entries checksummed)%n", opened, batchRequests, rep.checksummed());
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("des-s3 demo: " + message);
        }
    }
}
