package io.stowage.transcode.jobs;

/** The Redis key names under one prefix. Immutable, so thread-safe. */
record Keys(String prefix) {
    static final String GROUP = "workers";

    String job(String id) {
        return prefix + "job:" + id;
    }

    String history(String user) {
        return prefix + "user:" + user + ":jobs";
    }

    String stateIndex(JobState s) {
        return prefix + "state:" + s.name();
    }

    String stateIndexPrefix() {
        return prefix + "state:";
    }

    String stream() {
        return prefix + "queue";
    }

    String dead() {
        return prefix + "dead";
    }

    String expiry() {
        return prefix + "expiry";
    }

    String cancelChannel() {
        return prefix + "cancel";
    }
}
