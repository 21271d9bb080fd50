package io.stowage.sync.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stowage.sync.SyncConfigException;
import io.stowage.sync.SyncException;
import io.stowage.sync.SyncLedgerNotFoundException;
import io.stowage.sync.SyncLedgerUnavailableException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The ledger's database: opening (URL rules, pool, migrations), the SQLite writer queue, projects, and the two tables
 * of work, {@link #sessions()} (sessions and config history) and {@link #files()} (one row per file), over a Hikari
 * pool (PostgreSQL) or a small pool of SQLite connections in WAL mode with a busy timeout.
 *
 * <p>{@code try (LedgerDb db = LedgerDb.open("stowage.db", 4)) { db.findProject("photos"); }}
 *
 * <p>Thread-safe: each call takes a pooled connection.
 */
public final class LedgerDb implements AutoCloseable {
    /** Rows per batch statement / transaction. */
    public static final int BATCH = 1000;

    private final Dialect dialect;
    private final String where;
    private final Path sqliteFile;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final SessionTable sessions;
    private final FileTable files;

    private LedgerDb(Dialect dialect, String where, Path sqliteFile, HikariDataSource pool) {
        this.dialect = dialect;
        this.where = where;
        this.sqliteFile = sqliteFile;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
        this.sessions = new SessionTable(this);
        this.files = new FileTable(this);
    }

    /**
     * Opens (and migrates) the ledger at {@code state}: a file path or {@code jdbc:sqlite:PATH} for SQLite, or
     * {@code jdbc:postgresql://...} for PostgreSQL.
     */
    public static LedgerDb open(String state, int poolSize) {
        return open(state, poolSize, true);
    }

    /**
     * Opens the ledger at {@code state} as {@link #open(String, int)} does when {@code create}; otherwise only an
     * existing ledger: a missing SQLite file, or a database without Stowage's tables, is a
     * {@link SyncLedgerNotFoundException} and nothing is created.
     */
    public static LedgerDb open(String state, int poolSize, boolean create) {
        if (state == null || state.isBlank()) {
            throw new SyncConfigException("no ledger: give --state with a file path, jdbc:sqlite:PATH or "
                    + "jdbc:postgresql://HOST/DB", "state");
        }
        String url = state.strip();
        Dialect d = Dialect.ofJdbcUrl(url);
        Path file = null;
        if (d == null) {
            if (url.startsWith("jdbc:")) {
                throw new SyncConfigException("state URL " + redact(url) + " is not supported: use a file path, "
                        + "jdbc:sqlite:PATH or jdbc:postgresql://HOST:PORT/DB", "state");
            }
            if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
                throw new SyncConfigException("state URL " + redact(url) + " is not a JDBC URL: write "
                        + "jdbc:postgresql://HOST:PORT/DB?user=NAME", "state");
            }
            d = Dialect.SQLITE;
            file = sqlitePath(url, url);
            url = "jdbc:sqlite:" + file;
        } else if (d == Dialect.SQLITE) {
            String rest = url.substring("jdbc:sqlite:".length());
            int q = rest.indexOf('?');
            String p = q >= 0 ? rest.substring(0, q) : rest;
            if (p.startsWith("file:")) {
                p = p.substring(5);
            }
            if (p.isEmpty() || p.equals(":memory:")) {
                throw new SyncConfigException("state URL " + url + " names no file: an in-memory SQLite ledger "
                        + "would forget everything at exit; give a file path", "state");
            }
            file = sqlitePath(p, url);
        } else {
            PgUrl.check(url);
        }
        if (file != null) {
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new SyncLedgerUnavailableException("cannot open the SQLite ledger " + file + ": its folder "
                        + parent + " does not exist; create it or give another --state path", state);
            }
            if (Files.isDirectory(file)) {
                throw new SyncLedgerUnavailableException("cannot open the SQLite ledger " + file + ": it is a folder; "
                        + "give a file path such as " + file.resolve("stowage.db"), state);
            }
            if (!create && !Files.exists(file)) {
                throw notFound(file.toString(), state);
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setPoolName("stowage-ledger");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(1);
        if (d == Dialect.SQLITE) {
            hc.setMaximumPoolSize(Math.max(2, Math.min(poolSize, 4)));
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "30000");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("foreign_keys", "true");
        } else {
            hc.setMaximumPoolSize(Math.max(2, poolSize));
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("ApplicationName", "stowage");
        }
        String shown = file != null ? file.toString() : redact(url);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String hint = d == Dialect.POSTGRESQL
                    ? "; check that PostgreSQL runs and accepts connections there (host, port, database, user)"
                    : "; check the path and that the file is a SQLite database";
            throw new SyncLedgerUnavailableException("cannot open the ledger " + shown + ": " + root.getMessage()
                    + hint, state, e);
        }
        LedgerDb db = new LedgerDb(d, shown, file, ds);
        try {
            if (!create && !Migrations.exists(db.jdbi, d)) {
                throw notFound(shown, state);
            }
            Migrations.migrate(db.jdbi, d, shown);
        } catch (SyncException e) {
            db.close();
            throw e;
        } catch (RuntimeException e) {
            db.close();
            throw new SyncLedgerUnavailableException("cannot read the ledger " + shown + ": " + message(e)
                    + (d == Dialect.SQLITE ? "; is it a SQLite database written by Stowage?" : ""), state, e);
        }
        return db;
    }

    private static SyncLedgerNotFoundException notFound(String shown, String state) {
        return new SyncLedgerNotFoundException("there is no ledger at " + shown + " (nothing was created there): a "
                + "ledger is made by `stowage upload DIR s3://BUCKET/PREFIX --state " + LedgerDb.redact(state)
                + " --project NAME`; check the --state path or URL", redact(state));
    }

    private static Path sqlitePath(String path, String state) {
        try {
            return Path.of(path).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new SyncConfigException("state " + state + " is not a file path this system can use: "
                    + e.getReason() + "; give a file path or jdbc:sqlite:PATH", "state");
        }
    }

    /** Hides {@code password=...} in a URL shown to people. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^/:@]+):([^@/]+)@", "//$1:***@");
    }

    static String message(Throwable e) {
        Throwable t = e;
        while (t instanceof JdbiException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    Dialect dialect() {
        return dialect;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** Sessions and the config history. */
    public SessionTable sessions() {
        return sessions;
    }

    /** One row per file of each project. */
    public FileTable files() {
        return files;
    }

    /** The ledger as shown in messages (file path or redacted URL). */
    public String where() {
        return where;
    }

    /** The SQLite file, or {@code null} for PostgreSQL. */
    public Path sqliteFile() {
        return sqliteFile;
    }

    /** The schema version of the ledger. */
    public int schemaVersion() {
        return jdbi.withHandle(Migrations::current);
    }

    String sql(String s) {
        return dialect.sql(s);
    }

    /**
     * SQLite has one writer at a time and makes others wait by sleeping and polling (up to 100 ms a turn); within
     * this process the writers (claims, the outcome writer, heartbeats) queue on this lock instead, so none sleeps.
     */
    private final ReentrantLock sqliteWriter = new ReentrantLock(true);

    <T> T write(Supplier<T> work) {
        if (dialect != Dialect.SQLITE) {
            return work.get();
        }
        sqliteWriter.lock();
        try {
            return work.get();
        } finally {
            sqliteWriter.unlock();
        }
    }

    void writeVoid(Runnable work) {
        write(() -> {
            work.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- projects

    /** A project row. */
    public record Project(long id, String name, String bucket, String prefix) {}

    /** The project of that name, if any. */
    public Optional<Project> findProject(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, bucket, prefix FROM projects WHERE name = ?")
                .bind(0, name)
                .map((rs, ctx) -> new Project(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .findOne());
    }

    /** Every project name, sorted. */
    public List<String> projectNames() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM projects ORDER BY name").mapTo(String.class)
                .list());
    }

    /** Creates the project if it does not exist (concurrent creators agree), then returns it. */
    public Project createProject(String name, String bucket, String prefix) {
        return write(() -> {
            jdbi.useHandle(h -> h.execute(sql("INSERT INTO projects (name, bucket, prefix, created_at) "
                    + "VALUES (?, ?, ?, NOW_MS) ON CONFLICT (name) DO NOTHING"), name, bucket, prefix));
            return findProject(name).orElseThrow(() -> new SyncException("project " + name + " vanished from "
                    + where + " right after it was created"));
        });
    }

    /** Runs {@code sql} (tests and tools only). */
    public int execute(String sql, Object... args) {
        return jdbi.withHandle(h -> h.execute(sql, args));
    }

    /** {@code sqlite ledger PATH} or {@code postgresql ledger URL}, for messages. */
    public String describe() {
        return dialect.name().toLowerCase(Locale.ROOT) + " ledger " + where;
    }

    @Override
    public void close() {
        pool.close();
    }
}
