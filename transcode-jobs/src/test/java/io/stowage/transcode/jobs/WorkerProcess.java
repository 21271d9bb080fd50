package io.stowage.transcode.jobs;

import io.stowage.s3.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;

/**
 * A worker in its own JVM for the multi-process and kill -9 tests. Args: redisUrl keyPrefix bucket s3Endpoint
 * smtpPort(0 = none) workers. Prints READY on stdout once its threads run; SIGTERM closes it gracefully.
 */
public final class WorkerProcess {
    private WorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        TranscodeJobsConfig config = TranscodeJobsConfig.defaults(args[0], args[2]).withKeyPrefix(args[1])
                .withClaimTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1)).withPollTimeout(Duration.ofMillis(300))
                .withNotifyRetry(3, Duration.ofMillis(100)).withShutdownGrace(Duration.ofSeconds(5));
        S3Client s3 = S3Settings.forEndpoint(URI.create(args[3])).newClient();
        int smtp = Integer.parseInt(args[4]);
        Notifier n = smtp == 0 ? Notifier.none()
                : Notifier.smtp(MailSettings.of(URI.create("smtp://127.0.0.1:" + smtp), "jobs@stowage.test"));
        TranscodeWorker w = TranscodeWorker.builder(config).s3(s3).notifier(n).workers(Integer.parseInt(args[5]))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(w::close));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        w.awaitTermination(Duration.ofHours(1));
    }

    /** Starts one in a child JVM with the test class path; returns once it printed READY. */
    static Process start(String redisUrl, String prefix, String bucket, URI endpoint, int smtpPort, int workers,
            java.nio.file.Path log) throws Exception {
        String javaExe = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaExe, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                WorkerProcess.class.getName(), redisUrl, prefix, bucket, endpoint.toString(),
                Integer.toString(smtpPort), Integer.toString(workers));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("READY")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (r.readLine() != null) {
                            // discard
                        }
                    } catch (java.io.IOException ignored) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            if (System.nanoTime() > end) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("worker process did not start; see " + log + ":\n"
                + java.nio.file.Files.readString(log));
    }
}
