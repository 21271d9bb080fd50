package io.stowage.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Keeps the libraries' INFO lines out of {@code stowage demo}'s summary: while the pipelines run, the
 * {@code io.stowage} loggers log WARN and above only (a pipeline prints what it did itself; before this, the sync
 * section printed {@code SyncUploader}'s session lines in the middle of its own). {@code STOWAGE_LOG_LEVEL} set by the
 * user wins. {@link #close()} restores the level.
 */
final class DemoLogs implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger;
    private final Level before;

    private DemoLogs(ch.qos.logback.classic.Logger logger, Level before) {
        this.logger = logger;
        this.before = before;
    }

    /** Quiets the libraries' INFO logging until closed; does nothing when the user chose a level. */
    static DemoLogs quiet() {
        String chosen = System.getenv("STOWAGE_LOG_LEVEL");
        if ((chosen != null && !chosen.isBlank()) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return new DemoLogs(null, null);
        }
        ch.qos.logback.classic.Logger l = ctx.getLogger("io.stowage");
        Level before = l.getLevel();
        l.setLevel(Level.WARN);
        return new DemoLogs(l, before);
    }

    @Override
    public void close() {
        if (logger != null) {
            logger.setLevel(before);
        }
    }
}
