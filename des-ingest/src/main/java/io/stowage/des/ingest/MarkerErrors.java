package io.stowage.des.ingest;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Which database errors are worth retrying (transient) and which are not. */
final class MarkerErrors {
    private MarkerErrors() {}

    /**
     * Transient: connection trouble (SQLState 08), a rolled-back transaction (40: serialization failure, deadlock),
     * insufficient resources (53), lock not available (55P03), a cancelled statement or a server shutting down
     * (57014, 57P01-57P03), SQLite BUSY/LOCKED, and the JDBC transient/recoverable exceptions. Anything else (data
     * errors 22, constraint violations 23, a missing table 42...) is permanent.
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s) {
                if (transientSql(s)) {
                    return true;
                }
                if (s instanceof BatchUpdateException && s.getNextException() != null
                        && transientSql(s.getNextException())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean transientSql(SQLException s) {
        String state = s.getSQLState();
        if (state != null) {
            if (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                    || state.equals("55P03") || state.equals("57014") || state.startsWith("57P")) {
                return true;
            }
        }
        String cls = s.getClass().getName();
        if (cls.startsWith("org.sqlite.")) {
            int code = s.getErrorCode() & 0xff;   // primary result code
            return code == 5 || code == 6;         // SQLITE_BUSY, SQLITE_LOCKED
        }
        return false;
    }

    /** The innermost SQL message (PostgreSQL adds its context lines), at most {@code max} characters. */
    static String message(Throwable e, int max) {
        Throwable best = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                best = s instanceof BatchUpdateException && s.getNextException() != null ? s.getNextException() : s;
                break;
            }
            best = t;
        }
        String m = best.getMessage() == null ? best.toString() : best.getMessage();
        return m.length() > max ? m.substring(0, max) : m;
    }
}
