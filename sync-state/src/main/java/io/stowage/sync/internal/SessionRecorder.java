package io.stowage.sync.internal;

import io.stowage.sync.SessionStatus;
import io.stowage.sync.SyncConfig;
import io.stowage.sync.SyncConfigLoader;
import io.stowage.sync.SyncReport;
import io.stowage.sync.SyncTrigger;
import io.stowage.sync.TriggerReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The bookkeeping around one session's work: records the session and its configuration (with the keys that changed
 * since the project's last session), renews its heartbeat, owns the outcome writer, and at the end puts unfinished
 * claims back, closes the session with its totals and status, sends the trigger and builds the {@link SyncReport}.
 * Used on the session's thread only.
 */
final class SessionRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRecorder.class);

    /** The session's work: the diff and the uploads, or the retry rounds. */
    interface Body {
        void run();
    }

    /** Thrown by the walk when the run is cancelled, to stop it between files. */
    static final class CancelledWalk extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CancelledWalk() {
            super("cancelled during the walk", null, false, false);
        }
    }

    private final SyncRun run;

    SessionRecorder(SyncRun run) {
        this.run = run;
    }

    SyncReport record(Body body) {
        LedgerDb db = run.db;
        SessionTable sessions = db.sessions();
        SyncConfig config = run.config;
        String worker = run.worker();
        RunCounters n = run.counters;
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        String cfgJson = config.toJson();
        long stale = db.dialect() == Dialect.SQLITE ? 0 : SessionTable.staleAfter(config.claimTimeout());
        run.sessionId = sessions.start(run.project.id(), run.kind, worker, run.root.toString(), cfgJson, stale);
        recordConfig(cfgJson);
        LOG.info("{} session {} of project '{}': {} -> {} ({}, worker {})", run.kind, run.sessionId,
                run.project.name(), run.root, run.target, db.describe(), worker);
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-ledger-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, config.claimTimeout().toMillis() / 3);
        beat.scheduleWithFixedDelay(() -> {
            try {
                sessions.heartbeat(run.sessionId, worker);
            } catch (RuntimeException e) {
                LOG.warn("ledger heartbeat failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        run.writer = new OutcomeWriter(db, worker, run.sessionId);
        String error = null;
        try {
            body.run();
        } catch (CancelledWalk e) {
            n.cancelled = true;
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            throw e;
        } finally {
            run.writer.close();
            n.ledgerRows += run.writer.written();
            beat.shutdownNow();
            try {
                int released = db.files().release(worker);
                if (released > 0) {
                    LOG.info("put {} unfinished claim(s) back", released);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not put unfinished claims back ({}); they return after claim_timeout_s",
                        e.toString());
            }
            try {
                if (db.dialect() == Dialect.POSTGRESQL) {
                    sessions.markInterrupted(run.project.id(), SessionTable.staleAfter(config.claimTimeout()));
                }
                sessions.end(run.sessionId, error != null ? SessionStatus.FAILED : status(), n.totals(), error);
            } catch (RuntimeException e) {
                LOG.error("could not close session {} in the ledger: {}", run.sessionId, e.toString());
            }
        }
        TriggerReport trigger = null;
        if (config.triggerUrl() != null) {
            trigger = trigger(SyncTrigger.create(config.triggerUrl(), config.triggerTimeout(),
                    config.triggerAttempts()));
        }
        if (run.writer.lost() > 0) {
            LOG.error("{} result(s) could not be written to the ledger; the next run checks them against the store",
                    run.writer.lost());
        }
        return new SyncReport(run.sessionId, run.project.name(), run.kind, status(), startedAt,
                Duration.ofNanos(System.nanoTime() - t0), n.files(), n.bytes(), n.work(), n.failures, trigger);
    }

    private SessionStatus status() {
        return run.counters.cancelled || run.cancelled() ? SessionStatus.CANCELLED
                : run.counters.failed > 0 ? SessionStatus.PARTIAL : SessionStatus.COMPLETED;
    }

    private TriggerReport trigger(SyncTrigger trigger) {
        TriggerReport r = trigger.send(run.db.sessions().find(run.sessionId).orElseThrow());
        run.db.sessions().recordTrigger(run.sessionId, r);
        return r;
    }

    /** Adds this session's configuration to the history, naming the keys that differ from the last entry. */
    private void recordConfig(String cfgJson) {
        Optional<String> last = run.db.sessions().lastConfig(run.project.id());
        SyncConfig previous = last.map(SessionRecorder::parse).orElse(null);
        List<String> changed = last.isPresent() && previous == null ? SyncConfig.keys()
                : run.config.changedKeys(previous);
        run.db.sessions().addConfig(run.project.id(), run.sessionId, cfgJson, changed);
        if (last.isPresent() && !changed.isEmpty()) {
            LOG.info("configuration of project '{}' changed since the last session: {}", run.project.name(),
                    changed);
        }
    }

    private static SyncConfig parse(String json) {
        try {
            return SyncConfigLoader.fromJson(json);
        } catch (RuntimeException e) {
            LOG.warn("the last recorded configuration cannot be read ({}); every key counts as changed",
                    e.getMessage());
            return null;
        }
    }
}
