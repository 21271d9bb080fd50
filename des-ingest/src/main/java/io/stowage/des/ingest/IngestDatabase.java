package io.stowage.des.ingest;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The ingest metadata database: shard locks, containers, the name index, the marker catalogue and node-id leases,
 * on PostgreSQL (many processes on many machines) or a SQLite file (one machine). {@link #open(String)} opens a
 * connection pool; {@link #migrate()} creates what is missing from the resource files
 * {@code io/stowage/des/ingest/db/<postgres|sqlite>/NN-name.sql}, in order of {@code NN}, each recorded in
 * {@code des_ingest_migrations} so it runs once; tables of an existing deployment are kept as they are
 * ({@code CREATE ... IF NOT EXISTS}).
 *
 * <pre>{@code
 * try (IngestDatabase db = IngestDatabase.open("jdbc:postgresql://db/des?user=des")) {
 *     db.migrate();
 *     db.jdbi().useHandle(h -> h.execute("DELETE FROM des_shard_locks WHERE expires_at < ?", db.timestamp(now)));
 * }
 * }</pre>
 *
 * <p>Times: PostgreSQL columns are {@code TIMESTAMPTZ}; SQLite ones are {@code INTEGER} epoch milliseconds. Bind
 * {@link #timestamp(Instant)} and read {@link #instant(ResultSet, String)} to write SQL that works on both.
 *
 * <p>Thread-safe: each Jdbi call takes a pooled connection. On SQLite, transactions begin {@code IMMEDIATE} (the
 * write lock is taken at {@code BEGIN}, so two writers wait on the busy timeout instead of failing on an upgrade).
 */
public final class IngestDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestDatabase.class);
    /** Resource folder of the migrations (followed by {@code postgres/} or {@code sqlite/}). */
    public static final String MIGRATIONS = "io/stowage/des/ingest/db/";
    private static final Pattern FILE = Pattern.compile("(\\d{2,})-[A-Za-z0-9_-]+\\.sql");
    private static final long PG_LOCK_KEY = 0x4445_5349_4E47_4553L; // "DESINGES"

    /** The two kinds of metadata database. */
    public enum Dialect {
        /** A PostgreSQL server: many processes, {@code FOR UPDATE SKIP LOCKED}, advisory locks. */
        POSTGRES("postgres"),
        /** A SQLite file: one machine (WAL, busy timeout, immediate transactions). */
        SQLITE("sqlite");

        private final String folder;

        Dialect(String folder) {
            this.folder = folder;
        }

        /** The migration folder name: {@code postgres} or {@code sqlite}. */
        public String folder() {
            return folder;
        }
    }

    private final Dialect dialect;
    private final String where;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private IngestDatabase(Dialect dialect, String where, HikariDataSource pool) {
        this.dialect = dialect;
        this.where = where;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /** Opens {@code jdbcUrl} with a pool of up to 8 connections (SQLite: 4); see {@link #open(String, int)}. */
    public static IngestDatabase open(String jdbcUrl) {
        return open(jdbcUrl, 8);
    }

    /**
     * Opens the database at {@code jdbcUrl}: {@code jdbc:postgresql://HOST:PORT/DB?user=U}, {@code jdbc:sqlite:PATH}
     * or a plain file path (SQLite). Nothing is created in it until {@link #migrate()}.
     *
     * @throws DesIngestDatabaseException when the URL is of another kind or the database does not answer
     */
    public static IngestDatabase open(String jdbcUrl, int poolSize) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new DesIngestDatabaseException("no ingest state database: give --state with "
                    + "jdbc:postgresql://HOST:PORT/DB?user=NAME, jdbc:sqlite:PATH or a file path", "");
        }
        String url = jdbcUrl(jdbcUrl.strip());
        String lower = url.toLowerCase(Locale.ROOT);
        Dialect d;
        String shown;
        if (lower.startsWith("jdbc:postgresql:")) {
            d = Dialect.POSTGRES;
            shown = redact(url);
        } else if (lower.startsWith("jdbc:") && !lower.startsWith("jdbc:sqlite:")) {
            throw new DesIngestDatabaseException("state URL " + redact(url) + " is not supported: the ingest state "
                    + "lives in PostgreSQL (jdbc:postgresql://HOST:PORT/DB) or SQLite (jdbc:sqlite:PATH)", redact(url));
        } else if (lower.matches("^[a-z0-9+]+://.*")) {
            throw new DesIngestDatabaseException("state URL " + redact(url) + " is not supported: the ingest state "
                    + "lives in PostgreSQL (jdbc:postgresql://HOST:PORT/DB or postgresql://USER@HOST/DB) or SQLite "
                    + "(jdbc:sqlite:PATH or a file path)", redact(url));
        } else {
            d = Dialect.SQLITE;
            Path file = sqliteFile(lower.startsWith("jdbc:sqlite:") ? url.substring(12) : url, url);
            url = "jdbc:sqlite:" + file;
            shown = file.toString();
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setPoolName("stowage-des-ingest");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(1);
        if (d == Dialect.SQLITE) {
            hc.setMaximumPoolSize(Math.max(2, Math.min(poolSize, 4)));
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "30000");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        } else {
            hc.setMaximumPoolSize(Math.max(2, poolSize));
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("ApplicationName", "stowage-des-ingest");
        }
        try {
            return new IngestDatabase(d, shown, new HikariDataSource(hc));
        } catch (RuntimeException e) {
            String hint = d == Dialect.POSTGRES
                    ? "; check that PostgreSQL runs and accepts connections there (host, port, database, user)"
                    : "; check the path and that the file is a SQLite database";
            throw new DesIngestDatabaseException("cannot open the ingest state database " + shown + ": "
                    + message(e) + hint, shown, e);
        }
    }

    /**
     * {@code url} as a JDBC URL: the SQLAlchemy-style URLs of the existing deployment's {@code DES_DB_URL}
     * ({@code postgresql[+driver]://USER[:PASSWORD]@HOST[:PORT]/DB[?k=v]}, {@code postgres://...},
     * {@code sqlite:///PATH}) become {@code jdbc:postgresql://HOST[:PORT]/DB?user=USER&password=PASSWORD[&k=v]} and
     * {@code jdbc:sqlite:PATH}; anything else is returned as it is.
     */
    public static String jdbcUrl(String url) {
        java.util.regex.Matcher m = Pattern.compile("(?i)^postgres(?:ql)?(?:\\+[a-z0-9_]+)?://(?:([^:@/]*)(?::([^@/]*))?@)?"
                + "([^/?]*)(/[^?]*)?(?:\\?(.*))?$").matcher(url);
        if (m.matches()) {
            StringBuilder q = new StringBuilder();
            if (m.group(1) != null && !m.group(1).isEmpty()) {
                q.append("user=").append(decode(m.group(1)));
            }
            if (m.group(2) != null && !m.group(2).isEmpty()) {
                q.append(q.length() > 0 ? "&" : "").append("password=").append(decode(m.group(2)));
            }
            if (m.group(5) != null && !m.group(5).isEmpty()) {
                q.append(q.length() > 0 ? "&" : "").append(m.group(5));
            }
            String host = m.group(3).isEmpty() ? "localhost" : m.group(3);
            return "jdbc:postgresql://" + host + (m.group(4) == null ? "/" : m.group(4))
                    + (q.length() > 0 ? "?" + q : "");
        }
        if (url.regionMatches(true, 0, "sqlite:///", 0, 10)) {
            return "jdbc:sqlite:" + url.substring(10);
        }
        return url;
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Path sqliteFile(String rest, String url) {
        int q = rest.indexOf('?');
        String p = q >= 0 ? rest.substring(0, q) : rest;
        if (p.startsWith("file:")) {
            p = p.substring(5);
        }
        if (p.isEmpty() || p.equals(":memory:")) {
            throw new DesIngestDatabaseException("state URL " + url + " names no file: an in-memory SQLite state "
                    + "would forget every lock, container and name at exit; give a file path", url);
        }
        Path file;
        try {
            file = Path.of(p).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new DesIngestDatabaseException("state " + url + " is not a file path this system can use: "
                    + e.getReason(), url);
        }
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new DesIngestDatabaseException("cannot open the SQLite state " + file + ": its folder " + parent
                    + " does not exist; create it or give another path", file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new DesIngestDatabaseException("cannot open the SQLite state " + file + ": it is a folder; give a "
                    + "file path such as " + file.resolve("des-ingest.db"), file.toString());
        }
        return file;
    }

    /** The Jdbi over this database's pool. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** PostgreSQL or SQLite. */
    public Dialect dialect() {
        return dialect;
    }

    /** The database as shown in messages: the SQLite file, or the URL with its password hidden. */
    public String where() {
        return where;
    }

    /**
     * Applies every migration file not yet recorded in {@code des_ingest_migrations}, in order, in one transaction
     * (PostgreSQL: under an advisory lock, so processes starting at once wait for one another; SQLite: an immediate
     * transaction). Safe to call any number of times.
     *
     * @return the names of the files applied now (empty when the database was up to date)
     * @throws DesIngestDatabaseException when a statement fails (nothing of this call is kept)
     */
    public List<String> migrate() {
        List<String> files = migrationFiles(dialect);
        try {
            return jdbi.inTransaction(h -> {
                if (dialect == Dialect.POSTGRES) {
                    h.execute("SELECT pg_advisory_xact_lock(?)", PG_LOCK_KEY);
                }
                h.execute("CREATE TABLE IF NOT EXISTS des_ingest_migrations (name VARCHAR(255) PRIMARY KEY, "
                        + "applied_at " + (dialect == Dialect.POSTGRES ? "TIMESTAMPTZ" : "INTEGER") + " NOT NULL)");
                TreeSet<String> done = new TreeSet<>(h.createQuery("SELECT name FROM des_ingest_migrations")
                        .mapTo(String.class).list());
                List<String> applied = new ArrayList<>();
                for (String f : files) {
                    String name = f.substring(0, f.length() - 4);
                    if (done.contains(name)) {
                        continue;
                    }
                    for (String stmt : statements(load(dialect, f))) {
                        h.execute(stmt);
                    }
                    h.execute("INSERT INTO des_ingest_migrations (name, applied_at) VALUES (?, ?)", name,
                            timestamp(Instant.now()));
                    applied.add(name);
                    LOG.info("ingest state {}: applied {}", where, f);
                }
                return applied;
            });
        } catch (DesIngestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DesIngestDatabaseException("cannot migrate the ingest state database " + where + ": "
                    + message(e), where, e);
        }
    }

    /** The names (without {@code .sql}) recorded as applied, in order. */
    public List<String> appliedMigrations() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM des_ingest_migrations ORDER BY name")
                .mapTo(String.class).list());
    }

    /**
     * {@code instant} as this database stores times: an {@link OffsetDateTime} in UTC (PostgreSQL
     * {@code TIMESTAMPTZ}) or epoch milliseconds (SQLite {@code INTEGER}).
     */
    public Object timestamp(Instant instant) {
        return dialect == Dialect.POSTGRES ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : instant.toEpochMilli();
    }

    /** Reads a time column written as {@link #timestamp(Instant)} writes it; null stays null. */
    public Instant instant(ResultSet rs, String column) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            Timestamp t = rs.getTimestamp(column);
            return t == null ? null : t.toInstant();
        }
        long ms = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    /** Runs {@code sql} with positional arguments (tools and tests). */
    public int execute(String sql, Object... args) {
        return jdbi.withHandle(h -> h.execute(sql, args));
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "IngestDatabase[" + dialect.folder() + " " + where + "]";
    }

    // ---------------------------------------------------------------- migrations

    /** The migration files of {@code dialect} on the class path, ordered by their number, then name. */
    static List<String> migrationFiles(Dialect dialect) {
        String folder = MIGRATIONS + dialect.folder() + "/";
        TreeSet<String> names = new TreeSet<>((a, b) -> {
            int c = Long.compare(number(a), number(b));
            return c != 0 ? c : a.compareTo(b);
        });
        CodeSource cs = IngestDatabase.class.getProtectionDomain().getCodeSource();
        URL loc = cs == null ? null : cs.getLocation();
        if (loc == null) {
            throw new IllegalStateException("cannot list " + folder + ": the class has no code source");
        }
        try {
            Path p = Path.of(loc.toURI());
            if (Files.isDirectory(p)) {
                Path dir = p.resolve(folder);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> s = Files.list(dir)) {
                        s.map(x -> x.getFileName().toString()).filter(n -> FILE.matcher(n).matches()).forEach(names::add);
                    }
                }
            } else {
                try (JarFile jar = new JarFile(p.toFile())) {
                    Enumeration<JarEntry> en = jar.entries();
                    while (en.hasMoreElements()) {
                        String n = en.nextElement().getName();
                        if (n.startsWith(folder) && n.indexOf('/', folder.length()) < 0
                                && FILE.matcher(n.substring(folder.length())).matches()) {
                            names.add(n.substring(folder.length()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the migrations in " + loc, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list the migrations in " + loc, e);
        }
        return List.copyOf(names);
    }

    private static long number(String file) {
        var m = FILE.matcher(file);
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    private static String load(Dialect dialect, String file) {
        String name = "/" + MIGRATIONS + dialect.folder() + "/" + file;
        try (InputStream in = IngestDatabase.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script at {@code ;} line ends, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String s = cur.toString().strip();
                out.add(s.substring(0, s.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    /** Hides {@code password=...} and {@code user:password@} in a URL shown to people. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^/:@]+):([^@/]+)@", "//$1:***@");
    }

    /** The innermost useful message of a Jdbi/JDBC failure. */
    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof JdbiException || t.getMessage() == null) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
