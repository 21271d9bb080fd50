package io.stowage.transcode.jobs;

import io.stowage.transcode.jobs.testing.JobsFixture;
import io.stowage.s3.S3Settings;
import io.stowage.testing.core.TestRedis;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The queue's own cost, with a no-op transcoding step (no S3, no ffmpeg): (1) overhead per job from enqueue (the
 * record + XADD script) to a worker's start (after XREADGROUP, the start script and the job read), one job at a time
 * with idle workers, p50/p99; (2) throughput of store + stream + start + complete + ack from one process.
 *
 * <pre>
 * mvn -B -o -q test-compile -pl transcode-jobs -am
 * mvn -B -o -q dependency:build-classpath -pl transcode-jobs -Dmdep.outputFile=/tmp/cp.txt
 * java -cp transcode-jobs/target/test-classes:transcode-jobs/target/classes:$(cat /tmp/cp.txt) \
 *      io.stowage.transcode.jobs.QueueBenchmark 2000 20000 8
 * </pre>
 *
 * Args: jobs for the latency run, jobs for the throughput run, worker threads. Uses STOWAGE_TEST_REDIS_URL.
 */
public final class QueueBenchmark {
    private QueueBenchmark() {
    }

    /** Records when each job started; counts down when one ends. */
    static final class NoOp implements JobExecutor {
        final Map<String, Long> started = new ConcurrentHashMap<>();
        final AtomicReference<CountDownLatch> done = new AtomicReference<>(new CountDownLatch(0));
        final AtomicLong count = new AtomicLong();

        @Override
        public Outcome execute(RunningJob job, ProgressSink progress) {
            started.put(job.jobId, System.nanoTime());
            return new Outcome("processed/none", 1, "none", false);
        }

        @Override
        public void discard(RunningJob job, Outcome outcome) {
        }
    }

    public static void main(String[] args) throws Exception {
        int latencyJobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int throughputJobs = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        String prefix = TestRedis.prefix(QueueBenchmark.class);
        TranscodeJobsConfig c = TranscodeJobsConfig.defaults(TestRedis.url(), "bench-bucket").withKeyPrefix(prefix)
                .withPollTimeout(Duration.ofSeconds(2)).withKeepRawInput(true);
        NoOp noop = new NoOp();
        try (S3Client s3 = S3Settings.forEndpoint(URI.create("http://127.0.0.1:1")).newClient();
             JobStore store = JobStore.open(c);
             TranscodeWorker w = TranscodeWorker.builder(c).s3(s3).executor(noop).workers(threads).build()) {
            w.start();
            // latency: one job at a time, workers idle in XREADGROUP BLOCK
            int warm = Math.min(500, latencyJobs / 4);
            long[] lat = new long[latencyJobs];
            for (int i = -warm; i < latencyJobs; i++) {
                JobId id = JobId.next();
                long before = w.finishedJobs();
                long t0 = System.nanoTime();
                enqueue(store, id);
                while (w.finishedJobs() == before) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
                if (i >= 0) {
                    lat[i] = noop.started.get(id.value()) - t0;
                }
            }
            Arrays.sort(lat);
            System.out.printf(Locale.ROOT, "queue overhead, enqueue -> worker start, %d jobs one at a time, %d idle"
                    + " workers: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", latencyJobs, threads,
                    lat[latencyJobs / 2] / 1e6, lat[latencyJobs * 9 / 10] / 1e6, lat[latencyJobs * 99 / 100] / 1e6,
                    lat[latencyJobs - 1] / 1e6);

            // throughput: enqueue everything from one thread while the workers drain it
            long before = w.finishedJobs();
            long t0 = System.nanoTime();
            for (int i = 0; i < throughputJobs; i++) {
                enqueue(store, JobId.next());
            }
            long enqueued = System.nanoTime();
            while (w.finishedJobs() - before < throughputJobs) {
                Thread.sleep(1);
            }
            long t1 = System.nanoTime();
            System.out.printf(Locale.ROOT, "throughput, %d no-op jobs, %d worker threads, one process: %.0f jobs/s"
                    + " end to end (%.2f s; enqueue alone %.0f jobs/s)%n", throughputJobs, threads,
                    throughputJobs / ((t1 - t0) / 1e9), (t1 - t0) / 1e9, throughputJobs / ((enqueued - t0) / 1e9));
        } finally {
            JobsFixture.dropKeys(TestRedis.url(), prefix);
        }
    }

    private static void enqueue(JobStore store, JobId id) {
        Instant now = Instant.now();
        List<String> fields = JobCodec.newJob(id, "bench", "h264", "in.mp4", "in.mp4", "raw/bench/" + id + "/in.mp4",
                1, 1.0, now, null);
        store.create(id, "bench", fields, now);
    }
}
