package io.stowage.des.ingest;

import io.stowage.des.ShardHash;
import io.stowage.des.ingest.internal.SourceDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One source table (DES-INGEST.md section 2) over JDBC: claims pending rows of the wanted shards in batches
 * ({@code FOR UPDATE SKIP LOCKED}; MSSQL {@code ROWLOCK, UPDLOCK, READPAST}; SQLite one writer), marks them
 * {@code packed} or {@code failed}, and returns stale claims to {@code pending}. The optional columns
 * ({@code claimed_by}, {@code claimed_at}, {@code packed_at}, {@code des_name}, {@code des_container_id},
 * {@code error_message}) are written only when the table has them, as the existing system does.
 *
 * <p>Claiming is two calls: {@link #candidates} reads pages of pending rows after a cursor without locks and keeps
 * those of the wanted shards (the shard is the consistent hash of {@code shard_key_column}'s value, else of the full
 * {@code s3_key}); the caller records them (the packer: in its claim ledger, the fence between packers), then
 * {@link #claimRecorded} sets {@code status = claimed} on those still pending, skipping rows someone else holds.
 * A page is read for a few claims at once and the rows not handed out yet are kept for the next ones (for the same
 * shards, for ten seconds at most): one read per few claims; a row someone took meanwhile is refused by the claim.
 *
 * <pre>{@code
 * try (SourceConnector src = SourceConnector.open(config.source("orders-db").orElseThrow())) {
 *     List<SourceRow> rows = src.candidates(Set.of(3, 7), 100);
 *     Set<String> claimed = src.claimRecorded(rows, "host-1234", Instant.now());
 *     ...
 *     src.markPacked(List.of(new SourceConnector.Packed(rows.get(0).id(), "DES_...", 42)), Instant.now());
 * }
 * }</pre>
 *
 * <p>One connection (reopened after {@code pool_recycle} seconds or a failed {@code pool_pre_ping}); thread-safe by
 * serializing calls.
 */
public final class SourceConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceConnector.class);

    private final SourceConfig.Source source;
    private final SourceDialect dialect;
    private final SourceConfig.Columns cols;
    private final String table;
    private final Set<String> columns;
    private final boolean numericId;
    private Connection conn;
    private long openedAt;
    /** When the connection was last handed out: a pre-ping is sent only after it sat idle (see {@link #connection}). */
    private long lastUsedAt;
    private Object cursor;
    /**
     * Read-ahead: pending rows of the wanted shards read after the ones handed out, kept for the next claims (a page
     * is read for about {@value #READ_AHEAD} claims: one round trip instead of one per claim). Dropped when the shards
     * change or after {@value #AHEAD_MAX_AGE_MS} ms, and reading then starts again after {@link #aheadFrom}.
     */
    private final java.util.ArrayDeque<SourceRow> ahead = new java.util.ArrayDeque<>();
    private Set<Integer> aheadShards = Set.of();
    private Object aheadFrom;
    private long aheadReadAt;
    private static final int READ_AHEAD = 4;
    private static final long AHEAD_MAX_AGE_MS = 10_000;
    private final SourceStatements statements;
    /** Smoothed share of a page's pending rows that belonged to the wanted shards. */
    private double hitRate = 0.25;
    private long statusCounts;

    /** A row to mark packed: its id text, DES name and container id. */
    public record Packed(String id, String desName, long containerId) {}

    /** A claimed row as the source shows it (for recovery): who claimed it and when, where the table says. */
    public record Claimed(String id, String claimedBy, Instant claimedAt) {}

    private SourceConnector(SourceConfig.Source source, SourceDialect dialect, Connection conn) {
        this.source = source;
        this.dialect = dialect;
        this.cols = source.table().columns();
        this.table = source.table().qualifiedName();
        this.conn = conn;
        this.openedAt = System.nanoTime();
        this.lastUsedAt = openedAt;
        Set<String> found = new HashSet<>();
        boolean numeric = false;
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table
                + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                found.add(name);
                if (name.equals(cols.id().toLowerCase(Locale.ROOT))) {
                    int t = md.getColumnType(i);
                    numeric = t == Types.INTEGER || t == Types.BIGINT || t == Types.SMALLINT || t == Types.NUMERIC
                            || t == Types.DECIMAL || t == Types.TINYINT;
                }
            }
        } catch (SQLException e) {
            closeQuietly(conn);
            throw new DesIngestSourceException(source.name(), "source '" + source.name() + "': cannot read table "
                    + table + " (" + e.getMessage() + "); check table.name and table.schema", e);
        }
        for (String c : List.of(cols.id(), cols.s3Bucket(), cols.s3Key(), cols.sizeBytes(), cols.status())) {
            if (!found.contains(c.toLowerCase(Locale.ROOT))) {
                closeQuietly(conn);
                throw new DesIngestConfigException("sources." + source.name() + ".table.columns", "source '"
                        + source.name() + "': table " + table + " has no column '" + c + "' (it has " + found + ")");
            }
        }
        this.columns = Collections.unmodifiableSet(found);
        this.numericId = numeric;
        this.statements = new SourceStatements(this, dialect);
    }

    /**
     * Connects to the source and reads which optional columns its table has.
     *
     * @throws DesIngestDriverMissingException when the type's JDBC driver is not on the class path (Oracle, MSSQL)
     * @throws DesIngestSourceException        when the database cannot be reached or the table read
     */
    public static SourceConnector open(SourceConfig.Source source) {
        SourceDialect d = new SourceDialect(source.connection().type());
        return new SourceConnector(source, d, connect(source, d));
    }

    private static Connection connect(SourceConfig.Source source, SourceDialect d) {
        SourceType t = source.connection().type();
        try {
            Class.forName(t.driverClass());
        } catch (ClassNotFoundException e) {
            throw new DesIngestDriverMissingException(t.driverClass(), "source '" + source.name() + "' (type "
                    + t.yamlName() + ") needs the JDBC driver " + t.driverClass() + ", which is not on the class path;"
                    + " add " + t.artifact() + " to it (e.g. put its jar next to the stowage jar and run java -cp)");
        }
        String url = d.url(source.connection());
        try {
            Connection c = DriverManager.getConnection(url, d.properties(source.connection()));
            c.setAutoCommit(true);
            return c;
        } catch (SQLException e) {
            throw new DesIngestSourceException(source.name(), "source '" + source.name() + "': cannot connect to "
                    + url + " as " + source.connection().username() + ": " + e.getMessage(), e);
        }
    }

    public SourceConfig.Source source() {
        return source;
    }

    public String name() {
        return source.name();
    }

    /** Whether the table has column {@code c} (case-insensitive). */
    public boolean hasColumn(String c) {
        return columns.contains(c.toLowerCase(Locale.ROOT));
    }

    /** Whether the id column is numeric (its ids are whole numbers). */
    boolean numericId() {
        return numericId;
    }

    /** The id text bound back as the column's type. */
    public Object idValue(String id) {
        if (numericId) {
            try {
                return Long.parseLong(id);
            } catch (NumberFormatException e) {
                return id;
            }
        }
        return id;
    }

    /** The shard of a row by its shard-key value (else its key), with the source's {@code shard_bits}. */
    public int shardOf(String shardKeyValueOrKey) {
        return (int) ShardHash.shardOf(shardKeyValueOrKey, source.shardBits());
    }

    /**
     * Up to {@code max} pending rows of {@code shards}, read in pages after a cursor without locks (the candidates of
     * a claim: the caller records them, then claims them with {@link #claimRecorded}).
     */
    public synchronized List<SourceRow> candidates(Set<Integer> shards, int max) {
        if (shards.isEmpty() || max <= 0) {
            return List.of();
        }
        List<SourceRow> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Object resume = aheadFrom;
        takeAhead(shards, max, out, seen);
        boolean fromAhead = !out.isEmpty();
        if (out.size() >= max) {
            return out;     // no round trip (nor a pre-ping); a row someone took since is refused by claimRecorded
        }
        try {
            return candidates(connection(), shards, max, out, seen);
        } catch (SQLException | RuntimeException e) {
            if (fromAhead) {
                ahead.clear();
                cursor = resume;    // the rows taken from the read-ahead are read again next time
            }
            throw e instanceof SQLException se ? failed("read pending rows", se) : (RuntimeException) e;
        }
    }

    /**
     * Hands out rows read ahead for the same shards, if not too old (else drops them, and reading starts again after
     * the last row handed out).
     */
    private void takeAhead(Set<Integer> shards, int max, List<SourceRow> out, Set<String> seen) {
        if (!ahead.isEmpty() && (!aheadShards.equals(shards)
                || System.nanoTime() - aheadReadAt > AHEAD_MAX_AGE_MS * 1_000_000)) {
            ahead.clear();      // read for other shards, or long ago: read those rows again
            cursor = aheadFrom;
        }
        while (!ahead.isEmpty() && out.size() < max) {
            SourceRow r = ahead.poll();
            aheadFrom = r.idValue();
            if (seen.add(r.id())) {
                out.add(r);
            }
        }
    }

    /**
     * Claims {@code rows} (recorded in the claim ledger by the caller): those still pending and not locked by anyone
     * else become {@code claimed} (+ {@code claimed_by}, {@code claimed_at} where the table has them); returns their
     * ids. On PostgreSQL one statement in autocommit ({@code UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
     * LOCKED) RETURNING id}); elsewhere one transaction: lock ({@code SKIP LOCKED}, {@code READPAST}, SQLite's write
     * lock), update, commit. A row not returned was taken or changed by someone else since it was read.
     */
    public synchronized Set<String> claimRecorded(List<SourceRow> rows, String holder, Instant now) {
        if (rows.isEmpty()) {
            return Set.of();
        }
        Connection c = connection();
        try {
            if (statements.postgres()) {
                SourceStatements.Sql u = statements.claimPending(rows, holder, now);
                return selectIds(c, u.text(), u.args());
            }
            c.setAutoCommit(false);
            try {
                Set<String> locked = lockPending(c, rows);
                List<SourceRow> taken = rows.stream().filter(r -> locked.contains(r.id())).toList();
                if (!taken.isEmpty() && (dialect.type() == SourceType.MARIADB || dialect.type() == SourceType.MYSQL)) {
                    // one UPDATE per row, in one batch (one round trip): see markOneClaimed
                    SourceStatements.Sql u = statements.markOneClaimed(holder, now);
                    try (PreparedStatement ps = c.prepareStatement(u.text())) {
                        for (SourceRow r : taken) {
                            List<Object> args = new ArrayList<>(u.args());
                            args.add(r.idValue());
                            bind(ps, args);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                } else if (!taken.isEmpty()) {
                    SourceStatements.Sql u = statements.markClaimed(taken, holder, now);
                    update(c, u.text(), u.args());
                }
                c.commit();
                return locked;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed("claim rows", e);
        }
    }

    /** Reads pages after the cursor until {@code out} has {@code max} rows of {@code shards} (or none are left). */
    private List<SourceRow> candidates(Connection c, Set<Integer> shards, int max, List<SourceRow> out,
                                       Set<String> seen) throws SQLException {
        // pages sized by the share of pending rows that were ours lately (a packer holding every shard reads about what
        // it claims, one holding a few shards reads more per claim), for READ_AHEAD claims: the rest is kept
        int page = (int) Math.min(5000, Math.max(100, Math.ceil(READ_AHEAD * (double) max / Math.max(0.05, hitRate))
                + 16));
        boolean wrapped = cursor == null;
        for (int pages = 0; pages < 64 && out.size() < max; pages++) {
            List<Object> args = new ArrayList<>();
            StringBuilder where = new StringBuilder(cols.status() + " = ?");
            args.add(source.table().statusPendingValue());
            if (source.table().whereClause() != null && !source.table().whereClause().isBlank()) {
                where.append(" AND (").append(source.table().whereClause()).append(")");
            }
            if (cursor != null) {
                where.append(" AND ").append(cols.id()).append(" > ?");
                args.add(cursor);
            }
            List<SourceRow> rows = select(c, dialect.page(table, statements.selectList(), where.toString(), cols.id(), page),
                    args);
            long hits = rows.stream().filter(r -> shards.contains(r.shard())).count();
            if (!rows.isEmpty()) {
                hitRate = 0.5 * hitRate + 0.5 * ((double) hits / rows.size());
            }
            for (SourceRow r : rows) {
                if (out.size() >= max) {
                    if (shards.contains(r.shard())) {
                        ahead.add(r);   // ours, for the next claims (the next read comes after they are handed out)
                    }
                    continue;
                }
                cursor = r.idValue();
                aheadFrom = cursor;
                if (shards.contains(r.shard()) && seen.add(r.id())) {
                    out.add(r);
                }
            }
            if (!ahead.isEmpty()) {
                aheadShards = Set.copyOf(shards);
                aheadReadAt = System.nanoTime();
                cursor = rows.get(rows.size() - 1).idValue();
                break;
            }
            if (rows.size() < page && out.size() < max) {
                cursor = null;      // the end of the pending rows: next time from the start
                if (wrapped) {
                    break;
                }
                wrapped = true;
            }
        }
        return out;
    }

    private List<SourceRow> select(Connection c, String sql, List<Object> args) throws SQLException {
        List<SourceRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(statements.row(rs));
                }
            }
        }
        return out;
    }

    /** Not PostgreSQL (its claim is one statement, {@link SourceStatements#claimPending}). */
    private Set<String> lockPending(Connection c, List<SourceRow> rows) throws SQLException {
        List<Object> args = new ArrayList<>();
        rows.forEach(r -> args.add(r.idValue()));
        String where = cols.id() + " IN (" + marks(rows.size()) + ") AND " + cols.status() + " = ?";
        args.add(source.table().statusPendingValue());
        if (dialect.type() == SourceType.SQLITE) {
            // one writer: take the write lock first so nobody claims between our read and our update
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + table + " SET " + cols.status() + " = " + cols.status() + " WHERE 1 = 0");
            }
        }
        return selectIds(c, dialect.lock(table, cols.id(), where), args);
    }

    /**
     * Marks rows {@code packed} (with {@code packed_at}, {@code des_name}, {@code des_container_id} if present), in one
     * transaction, one set-based {@code UPDATE} per chunk of rows (see {@link SourceStatements#markPacked}).
     */
    public synchronized int markPacked(List<Packed> rows, Instant now) {
        if (rows.isEmpty()) {
            return 0;
        }
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            int n = 0;
            try {
                for (SourceStatements.Sql u : statements.markPacked(rows, now)) {
                    n += update(c, u.text(), u.args());
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return n;
        } catch (SQLException e) {
            throw failed("mark rows packed", e);
        }
    }

    /** Marks one row {@code failed} with the reason in {@code error_message} (first 500 characters) if present. */
    public synchronized void markFailed(String id, String reason, Instant now) {
        SourceStatements.Sql u = statements.markFailed(id, reason);
        try {
            update(connection(), u.text(), u.args());
        } catch (SQLException e) {
            throw failed("mark a row failed", e);
        }
    }

    /**
     * Returns claimed rows to {@code pending} ({@code claimed_by}, {@code claimed_at} cleared where present); only rows
     * still {@code claimed}. Returns how many changed.
     */
    public synchronized int release(Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (SourceStatements.Sql u : statements.release(ids)) {
            try {
                n += update(connection(), u.text(), u.args());
            } catch (SQLException e) {
                throw failed("release claimed rows", e);
            }
        }
        return n;
    }

    /** Every row in the claimed state, with {@code claimed_by}/{@code claimed_at} where the table has them. */
    public synchronized List<Claimed> claimedRows() {
        String sql = "SELECT " + cols.id() + ", " + (hasColumn("claimed_by") ? "claimed_by" : "NULL") + ", "
                + (hasColumn("claimed_at") ? "claimed_at" : "NULL") + " FROM " + table + " WHERE " + cols.status()
                + " = ?";
        List<Claimed> out = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            ps.setString(1, source.table().statusClaimedValue());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object id = rs.getObject(1);
                    out.add(new Claimed(idText(id), rs.getString(2),
                            SourceDialect.instant(rs.getObject(3))));
                }
            }
        } catch (SQLException e) {
            throw failed("list claimed rows", e);
        }
        return out;
    }

    /** The status of each of {@code ids} that exists. */
    public synchronized Map<String, String> statuses(Collection<String> ids) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> part = all.subList(from, Math.min(all.size(), from + 500));
            String sql = "SELECT " + cols.id() + ", " + cols.status() + " FROM " + table + " WHERE " + cols.id()
                    + " IN (" + marks(part.size()) + ")";
            try (PreparedStatement ps = connection().prepareStatement(sql)) {
                List<Object> args = new ArrayList<>();
                part.forEach(id -> args.add(idValue(id)));
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object id = rs.getObject(1);
                        out.put(idText(id), rs.getString(2));
                    }
                }
            } catch (SQLException e) {
                throw failed("read row statuses", e);
            }
        }
        return out;
    }

    /** How many times {@link #countByStatus()} ran (tests: a packer's idle round counts once). */
    synchronized long statusCounts() {
        return statusCounts;
    }

    /** Counts of rows per status (for reports and tests). */
    public synchronized Map<String, Long> countByStatus() {
        statusCounts++;
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("SELECT " + cols.status()
                + ", COUNT(*) FROM " + table + " GROUP BY " + cols.status())) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw failed("count rows", e);
        }
        return out;
    }

    private Connection connection() {
        try {
            long ageS = (System.nanoTime() - openedAt) / 1_000_000_000L;
            int recycle = source.connection().poolRecycleSeconds();
            // pool_pre_ping checks a connection that sat idle (as a pool does at check-out), not one in use a moment
            // ago: a claim every few milliseconds would otherwise pay a round trip for each (a broken connection
            // reports itself closed after its failed statement, and is replaced here the next time)
            long now = System.nanoTime();
            boolean idle = now - lastUsedAt >= PRE_PING_IDLE_NANOS;
            boolean stale = conn.isClosed() || (recycle > 0 && ageS >= recycle)
                    || (source.connection().poolPrePing() && idle && !conn.isValid(5));
            if (stale) {
                closeQuietly(conn);
                conn = connect(source, dialect);
                openedAt = System.nanoTime();
            }
            lastUsedAt = System.nanoTime();
            return conn;
        } catch (SQLException e) {
            closeQuietly(conn);
            conn = connect(source, dialect);
            openedAt = System.nanoTime();
            lastUsedAt = System.nanoTime();
            return conn;
        }
    }

    /** How long a connection sits unused before {@code pool_pre_ping} checks it again. */
    private static final long PRE_PING_IDLE_NANOS = 1_000_000_000L;

    /** The ids (column 1, as text) that {@code sql} returns. */
    private static Set<String> selectIds(Connection c, String sql, List<Object> args) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(idText(rs.getObject(1)));
                }
            }
        }
        return out;
    }

    /** An id as read from the driver, as text (an INTEGER column's Integer as its long). */
    private static String idText(Object id) {
        return String.valueOf(id instanceof Integer i ? i.longValue() : id);
    }

    private static int update(Connection c, String sql, List<Object> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof SourceStatements.PgArray a) {
                ps.setArray(i + 1, ps.getConnection().createArrayOf(a.type(), a.values()));
            } else {
                ps.setObject(i + 1, args.get(i));
            }
        }
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private DesIngestSourceException failed(String what, SQLException e) {
        lastUsedAt = System.nanoTime() - PRE_PING_IDLE_NANOS;  // after a failure the next call checks the connection
        return new DesIngestSourceException(source.name(), "source '" + source.name() + "' (" + table
                + "): cannot " + what + ": " + e.getMessage(), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the next call reconnects
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(conn);
        LOG.debug("source {} closed", source.name());
    }

    @Override
    public String toString() {
        return "SourceConnector[" + source.name() + " " + source.connection() + " " + table + "]";
    }
}
