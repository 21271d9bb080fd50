package io.stowage.des.ingest.internal;

import io.stowage.des.ingest.SourceConfig;
import io.stowage.des.ingest.SourceType;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;

/** What differs between source database kinds: the JDBC URL, paging and row locking SQL, time values. */
public final class SourceDialect {
    private final SourceType type;

    public SourceDialect(SourceType type) {
        this.type = type;
    }

    public SourceType type() {
        return type;
    }

    /** The JDBC URL of a connection block. */
    public String url(SourceConfig.Connection c) {
        return switch (type) {
            case POSTGRES -> "jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + c.database();
            case MARIADB, MYSQL -> "jdbc:mariadb://" + c.host() + ":" + c.port() + "/" + c.database();
            case ORACLE -> "jdbc:oracle:thin:@//" + c.host() + ":" + c.port() + "/" + c.database();
            case MSSQL -> "jdbc:sqlserver://" + c.host() + ":" + c.port() + ";databaseName=" + c.database();
            case SQLITE -> "jdbc:sqlite:" + c.database();
        };
    }

    /** Driver properties: user, password, the driver options, and a few per-kind defaults. */
    public Properties properties(SourceConfig.Connection c) {
        Properties p = new Properties();
        if (c.username() != null) {
            p.setProperty("user", c.username());
        }
        if (c.password() != null) {
            p.setProperty("password", c.password());
        }
        if (type == SourceType.SQLITE) {
            p.setProperty("busy_timeout", "10000");
        }
        p.putAll(c.driverOptions());
        return p;
    }

    /**
     * A page of pending rows after a cursor, without locks: {@code cols} the selected column list, {@code where} the
     * full condition (with {@code ?} for the cursor), ordered by id.
     */
    public String page(String table, String cols, String where, String id, int limit) {
        return switch (type) {
            case MSSQL -> "SELECT TOP " + limit + " " + cols + " FROM " + table + " WHERE " + where + " ORDER BY " + id;
            case ORACLE -> "SELECT " + cols + " FROM " + table + " WHERE " + where + " ORDER BY " + id
                    + " FETCH FIRST " + limit + " ROWS ONLY";
            default -> "SELECT " + cols + " FROM " + table + " WHERE " + where + " ORDER BY " + id + " LIMIT " + limit;
        };
    }

    /** Locks the still-pending rows among a list of ids, skipping rows another transaction holds. */
    public String lock(String table, String id, String where) {
        return switch (type) {
            case MSSQL -> "SELECT " + id + " FROM " + table + " WITH (ROWLOCK, UPDLOCK, READPAST) WHERE " + where;
            case SQLITE -> "SELECT " + id + " FROM " + table + " WHERE " + where;
            default -> "SELECT " + id + " FROM " + table + " WHERE " + where + " FOR UPDATE SKIP LOCKED";
        };
    }

    /** A time as the driver binds it into a timestamp column of this kind. */
    public Object time(Instant t) {
        return switch (type) {
            case POSTGRES -> OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
            case MARIADB, MYSQL, MSSQL -> LocalDateTime.ofInstant(t, ZoneOffset.UTC);
            case ORACLE -> Timestamp.from(t);
            case SQLITE -> t.toString();
        };
    }

    /** A timestamp value read back (driver objects or ISO text) as an instant; null when unknown. */
    public static Instant instant(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof java.util.Date d) {
            return d.toInstant();
        }
        if (v instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        String s = v.toString().trim();
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (RuntimeException e2) {
                try {
                    return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
                } catch (RuntimeException e3) {
                    return null;
                }
            }
        }
    }
}
