package io.stowage.transcode.jobs;

/**
 * What a worker does with a started job: the real one downloads, transcodes and uploads ({@link TranscodeExecutor});
 * the queue benchmark plugs in one that does nothing. Implementations must be thread-safe.
 */
interface JobExecutor {
    /** The job's verified output. */
    record Outcome(String outputKey, long outputSize, String encoder, boolean recovered) {
    }

    /**
     * Runs the job.
     *
     * @throws RunningJob.Stopped when a stop was asked
     * @throws Exception          any failure (counted as a failed attempt)
     */
    Outcome execute(RunningJob job, ProgressSink progress) throws Exception;

    /** Removes what {@link #execute} stored for a job that was deleted or cancelled meanwhile. */
    void discard(RunningJob job, Outcome outcome);

    /** Writes throttled progress of a running job. */
    interface ProgressSink {
        void progress(double percent, String encoder);
    }
}
