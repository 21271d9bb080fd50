package io.stowage.des.ingest;

import io.stowage.s3.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.FileWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A packer process for the crash tests: {@code state sources.yaml endpoint bucket events-file pause [maxFiles]}.
 * Writes lock and write events to the events file (one line each, flushed), prints {@code PAUSED <step>} and sleeps
 * when it reaches the pause point ({@code none}, {@code entries:N}, {@code claimed}, {@code uploading},
 * {@code uploaded}, {@code marked}, {@code recovery}), so the test kills it there with SIGKILL. SIGTERM: stops cleanly
 * (exit 143).
 */
public final class PackerMain {
    public static void main(String[] args) throws Exception {
        String state = args[0];
        Path yaml = Path.of(args[1]);
        URI endpoint = URI.create(args[2]);
        String bucket = args[3];
        Path events = Path.of(args[4]);
        String pause = args[5];
        int maxFiles = args.length > 6 ? Integer.parseInt(args[6]) : 200;
        String holder = NodeIdLease.defaultHolder();
        PrintWriter ev = new PrintWriter(new FileWriter(events.toFile(), true), true);
        AtomicInteger entries = new AtomicInteger();
        PackerListener listener = new PackerListener() {
            void log(String line) {
                synchronized (ev) {
                    ev.println(System.currentTimeMillis() + " " + holder + " " + line);
                }
            }

            void maybePause(String step) {
                if (pause.equals(step)) {
                    System.out.println("PAUSED " + step);
                    System.out.flush();
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onLockAcquired(int shard) {
                log("ACQ " + shard);
            }

            @Override
            public void onLockLost(int shard, String reason) {
                log("LOST " + shard);
            }

            @Override
            public void onEntryAdded(int shard, long containerId, SourceRow row, String entryName) {
                log("WRITE " + shard + " " + containerId);
                if (pause.startsWith("entries:") && entries.incrementAndGet() == Integer.parseInt(pause.substring(8))) {
                    maybePause(pause);
                }
            }

            @Override
            public void onStep(String step, Container c) {
                if (c != null) {
                    log("STEP " + c.shardId() + " " + c.id() + " " + step);
                }
                maybePause(step);
            }
        };
        try (IngestDatabase db = IngestDatabase.open(state, 4)) {
            db.migrate();
            SourceConfig config = SourceConfig.load(yaml);
            List<SourceConnector> sources = new ArrayList<>();
            for (SourceConfig.Source s : config.enabled()) {
                sources.add(SourceConnector.open(s));
            }
            S3Client s3 = S3Settings.forEndpoint(endpoint).newClient();
            PackerOptions o = PackerOptions.defaults(bucket).withLockTtl(Duration.ofSeconds(2))
                    .withIdleFinalize(Duration.ofMillis(800)).withPollInterval(Duration.ofMillis(200))
                    .withRecoveryInterval(Duration.ofSeconds(1)).withMaxFiles(maxFiles).withFetchThreads(4)
                    .withHolder(holder).withListener(listener);
            try (DesPacker p = DesPacker.create(db, sources, s3, o)) {
                Runtime.getRuntime().addShutdownHook(new Thread(p::stopAndWait));
                System.out.println("STARTED " + holder);
                System.out.flush();
                if (pause.equals("recovery")) {
                    System.out.println("PAUSED recovery");
                    System.out.flush();
                    // recovery runs first in run(); the test kills while it works
                }
                PackerReport r = p.run();
                System.out.println("REPORT " + r);
                System.out.flush();
            } finally {
                sources.forEach(SourceConnector::close);
                s3.close();
            }
        }
    }
}
