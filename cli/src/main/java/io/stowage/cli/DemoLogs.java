package io.stowage.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the libraries' log lines out of {@code stowage demo}'s summary: while the pipelines run, the
 * {@code io.stowage} loggers log WARN and above only (a pipeline prints what it did itself; before this, the sync
 * section printed {@code SyncUploader}'s session lines in the middle of its own), and the services' start-up warnings
 * that do not apply to an in-process demo on loopback ({@code io.stowage.service}: "no OAuth provider configured";
 * {@code io.micrometer}: a gauge registered by both the service and its in-process workers) ERROR only.
 * {@code STOWAGE_LOG_LEVEL} set by the user wins. {@link #close()} restores the levels.
 */
final class DemoLogs implements AutoCloseable {
    private final List<ch.qos.logback.classic.Logger> loggers;
    private final List<Level> before;

    private DemoLogs(List<ch.qos.logback.classic.Logger> loggers, List<Level> before) {
        this.loggers = loggers;
        this.before = before;
    }

    /** Quiets the libraries' logging until closed; does nothing when the user chose a level. */
    static DemoLogs quiet() {
        String chosen = System.getenv("STOWAGE_LOG_LEVEL");
        if ((chosen != null && !chosen.isBlank()) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return new DemoLogs(List.of(), List.of());
        }
        List<ch.qos.logback.classic.Logger> loggers = new ArrayList<>();
        List<Level> before = new ArrayList<>();
        String[][] levels = {{"io.stowage", "WARN"}, {"io.stowage.service", "ERROR"}, {"io.micrometer", "ERROR"}};
        for (String[] nl : levels) {
            ch.qos.logback.classic.Logger l = ctx.getLogger(nl[0]);
            loggers.add(l);
            before.add(l.getLevel());
            l.setLevel(Level.toLevel(nl[1]));
        }
        return new DemoLogs(loggers, before);
    }

    @Override
    public void close() {
        for (int i = loggers.size() - 1; i >= 0; i--) {
            loggers.get(i).setLevel(before.get(i));
        }
    }
}
