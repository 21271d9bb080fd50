package io.stowage.transcode.jobs;

import io.stowage.transcode.TranscodeJob;

import java.util.Map;

/**
 * One job a worker thread is running: its ids, the hash read at start, and the stop requests that may reach it from
 * other threads (cancel by pub/sub, claim lost, shutdown release). Thread-safe (volatile fields, synchronized
 * hand-over of the ffmpeg job).
 */
final class RunningJob {
    /** Why a job stopped before its end. */
    enum Stop { NONE, CANCEL, LOST, RELEASE }

    final String jobId;
    final String entryId;
    final String consumer;
    final Map<String, String> hash;
    final JobView view;
    private volatile Stop stop = Stop.NONE;
    /** Set once the worker stores the job's end: claim refreshes stop mattering. */
    volatile boolean finishing;
    private TranscodeJob ffmpeg;

    RunningJob(String jobId, String entryId, String consumer, Map<String, String> hash) {
        this.jobId = jobId;
        this.entryId = entryId;
        this.consumer = consumer;
        this.hash = hash;
        this.view = JobCodec.view(hash);
    }

    Stop stop() {
        return stop;
    }

    /** Asks the job to stop; the first reason wins. */
    void requestStop(Stop why) {
        TranscodeJob t;
        synchronized (this) {
            if (stop == Stop.NONE) {
                stop = why;
            }
            t = ffmpeg;
        }
        if (t != null) {
            t.cancel();
        }
    }

    /** Registers the running ffmpeg job; cancels it at once when a stop was already asked. */
    void attach(TranscodeJob t) {
        boolean cancel;
        synchronized (this) {
            ffmpeg = t;
            cancel = stop != Stop.NONE;
        }
        if (cancel) {
            t.cancel();
        }
    }

    /** Throws {@link Stopped} when a stop was asked. */
    void checkStop() {
        if (stop != Stop.NONE) {
            throw new Stopped(stop);
        }
    }

    /** Thrown inside a job's execution when it must stop. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Stop why;

        Stopped(Stop why) {
            super("stopped: " + why, null, false, false);
            this.why = why;
        }
    }
}
