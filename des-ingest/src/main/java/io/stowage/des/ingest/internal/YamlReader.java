package io.stowage.des.ingest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stowage.des.ingest.DesIngestConfigException;
import io.stowage.des.ingest.SourceConfig;
import io.stowage.des.ingest.SourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the sources YAML into {@link SourceConfig}: defaults, ranges, {@code ${VAR}} expansion, key paths. */
public final class YamlReader {
    private static final Logger LOG = LoggerFactory.getLogger(YamlReader.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    /** Identifiers we put into SQL: letters, digits, {@code _}, {@code $}; no quotes or spaces. */
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private static final Set<String> SOURCE_KEYS = Set.of("name", "enabled", "batch_size", "claim_timeout_seconds",
            "shard_bits", "connection", "table");
    private static final Set<String> CONNECTION_KEYS = Set.of("type", "host", "port", "database", "username",
            "password", "schema", "charset", "pool_size", "pool_recycle", "pool_pre_ping", "driver_options");
    private static final Set<String> TABLE_KEYS = Set.of("name", "schema", "columns", "where_clause",
            "status_pending_value", "status_claimed_value", "shard_key_column");
    private static final Set<String> COLUMN_KEYS = Set.of("id", "s3_bucket", "s3_key", "size_bytes", "status",
            "created_at", "metadata_columns");

    private final String origin;
    private final Map<String, String> env;

    private YamlReader(String origin, Map<String, String> env) {
        this.origin = origin;
        this.env = env;
    }

    public static SourceConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new DesIngestConfigException("", "sources file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DesIngestConfigException("", "cannot read sources file " + file + ": " + e, e);
        }
        return parse(text, file.toString(), env);
    }

    public static SourceConfig parse(String yaml, String origin, Map<String, String> env) {
        return new YamlReader(origin, env).read(yaml);
    }

    private SourceConfig read(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new DesIngestConfigException("", origin + ": not valid YAML" + loc + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw fail("sources", "is missing: the file is empty; it needs a list under 'sources:'");
        }
        if (!root.isObject()) {
            throw fail("", "the top level must be a mapping with the key 'sources:'");
        }
        JsonNode list = root.get("sources");
        if (list == null || list.isNull()) {
            throw fail("sources", "is missing: the file needs a list of sources under 'sources:'");
        }
        if (!list.isArray()) {
            throw fail("sources", "must be a list (one '- name: ...' entry per source database)");
        }
        List<SourceConfig.Source> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String p = "sources[" + i + "]";
            SourceConfig.Source s = source(list.get(i), p);
            if (!names.add(s.name())) {
                throw fail(p + ".name", "'" + s.name() + "' is used by two sources; names must be unique (they become"
                        + " source_db in each file's META)");
            }
            out.add(s);
        }
        return new SourceConfig(out);
    }

    private SourceConfig.Source source(JsonNode n, String p) {
        object(n, p, SOURCE_KEYS);
        String name = text(n, p, "name", true, null);
        boolean enabled = bool(n, p, "enabled", true);
        int batch = integer(n, p, "batch_size", 100, 1, 10000);
        int timeout = integer(n, p, "claim_timeout_seconds", 300, 1, Integer.MAX_VALUE);
        int bits = integer(n, p, "shard_bits", 8, 1, 16);
        SourceConfig.Connection c = connection(required(n, p, "connection"), p + ".connection");
        SourceConfig.Table t = table(required(n, p, "table"), p + ".table");
        return new SourceConfig.Source(name, enabled, batch, timeout, bits, c, t);
    }

    private SourceConfig.Connection connection(JsonNode n, String p) {
        object(n, p, CONNECTION_KEYS);
        String typeText = text(n, p, "type", true, null);
        SourceType type = SourceType.of(typeText);
        if (type == null) {
            throw fail(p + ".type", "'" + typeText + "' is not a source type; use one of oracle, mssql, mysql, "
                    + "postgres, mariadb (or sqlite for one machine)");
        }
        boolean server = type != SourceType.SQLITE;
        String host = text(n, p, "host", server, null);
        int defaultPort = switch (type) {
            case POSTGRES -> 5432;
            case MARIADB, MYSQL -> 3306;
            case ORACLE -> 1521;
            case MSSQL -> 1433;
            case SQLITE -> 0;
        };
        int port = server ? integer(n, p, "port", null, 1, 65535) : integer(n, p, "port", defaultPort, 0, 65535);
        String database = text(n, p, "database", true, null);
        String user = text(n, p, "username", server, null);
        String password = text(n, p, "password", false, null);     // may be empty (trust authentication)
        if (server && password == null) {
            throw fail(p + ".password", "is missing (required; write password: \"\" for none)");
        }
        String schema = text(n, p, "schema", false, null);
        if (schema != null) {
            ident(schema, p + ".schema");
        }
        String charset = text(n, p, "charset", false, "utf8mb4");
        int pool = integer(n, p, "pool_size", 5, 1, 100);
        int recycle = integer(n, p, "pool_recycle", 3600, -1, Integer.MAX_VALUE);
        boolean ping = bool(n, p, "pool_pre_ping", true);
        Map<String, String> opts = new LinkedHashMap<>();
        JsonNode o = n.get("driver_options");
        if (o != null && !o.isNull()) {
            if (!o.isObject()) {
                throw fail(p + ".driver_options", "must be a mapping of JDBC driver property to value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                opts.put(e.getKey(), expand(e.getValue().asText(), p + ".driver_options." + e.getKey()));
            }
        }
        return new SourceConfig.Connection(type, host, port, database, user, password, schema, charset, pool, recycle,
                ping, opts);
    }

    private SourceConfig.Table table(JsonNode n, String p) {
        object(n, p, TABLE_KEYS);
        String name = ident(text(n, p, "name", true, null), p + ".name");
        String schema = text(n, p, "schema", false, null);
        if (schema != null) {
            ident(schema, p + ".schema");
        }
        String cp = p + ".columns";
        JsonNode cn = required(n, p, "columns");
        object(cn, cp, COLUMN_KEYS);
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode mc = cn.get("metadata_columns");
        if (mc != null && !mc.isNull()) {
            if (!mc.isObject()) {
                throw fail(cp + ".metadata_columns", "must be a mapping of META key to column name");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = mc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String kp = cp + ".metadata_columns." + e.getKey();
                meta.put(e.getKey(), ident(expand(e.getValue().asText(), kp), kp));
            }
        }
        SourceConfig.Columns cols = new SourceConfig.Columns(
                ident(text(cn, cp, "id", true, null), cp + ".id"),
                ident(text(cn, cp, "s3_bucket", true, null), cp + ".s3_bucket"),
                ident(text(cn, cp, "s3_key", true, null), cp + ".s3_key"),
                ident(text(cn, cp, "size_bytes", true, null), cp + ".size_bytes"),
                ident(text(cn, cp, "status", false, "status"), cp + ".status"),
                identOrNull(text(cn, cp, "created_at", false, null), cp + ".created_at"), meta);
        String where = text(n, p, "where_clause", false, null);
        if (where != null && where.trim().regionMatches(true, 0, "where ", 0, 6)) {
            throw fail(p + ".where_clause", "must not start with WHERE (it is ANDed into the claim query)");
        }
        return new SourceConfig.Table(name, schema, cols, where,
                text(n, p, "status_pending_value", false, "pending"),
                text(n, p, "status_claimed_value", false, "claimed"),
                identOrNull(text(n, p, "shard_key_column", false, null), p + ".shard_key_column"));
    }

    // --- typed access -------------------------------------------------------------------------------------------

    private void object(JsonNode n, String p, Set<String> known) {
        if (n == null || !n.isObject()) {
            throw fail(p, "must be a mapping (key: value lines)");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                LOG.warn("{}: unknown key {}.{} ignored (known: {})", origin, p, k, new java.util.TreeSet<>(known));
            }
        }
    }

    private JsonNode required(JsonNode n, String p, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw fail(p + "." + key, "is missing (required)");
        }
        return v;
    }

    private String text(JsonNode n, String p, String key, boolean required, String dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw fail(p + "." + key, "is missing (required)");
            }
            return dflt;
        }
        if (!v.isValueNode()) {
            throw fail(p + "." + key, "must be a single value, not a " + (v.isArray() ? "list" : "mapping"));
        }
        String s = expand(v.asText(), p + "." + key);
        if (required && s.isBlank()) {
            throw fail(p + "." + key, "is empty (required)");
        }
        return s;
    }

    private Integer integer(JsonNode n, String p, String key, Integer dflt, int min, int max) {
        String s = text(n, p, key, dflt == null, null);
        if (s == null) {
            return dflt;
        }
        long v;
        try {
            v = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw fail(p + "." + key, "'" + s + "' is not a whole number");
        }
        if (v < min || v > max) {
            throw fail(p + "." + key, v + " is out of range " + min + ".." + max);
        }
        return (int) v;
    }

    private boolean bool(JsonNode n, String p, String key, boolean dflt) {
        String s = text(n, p, key, false, null);
        if (s == null) {
            return dflt;
        }
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw fail(p + "." + key, "'" + s + "' is not a boolean (true or false)");
        };
    }

    private String identOrNull(String s, String p) {
        return s == null ? null : ident(s, p);
    }

    private String ident(String s, String p) {
        if (!IDENT.matcher(s).matches()) {
            throw fail(p, "'" + s + "' is not a plain SQL identifier (letters, digits, _ and $; no quotes, dots or "
                    + "spaces)");
        }
        return s;
    }

    /** Expands {@code ${VAR}} and {@code ${VAR:-default}}; an unset variable without a default fails. */
    String expand(String s, String p) {
        Matcher m = VAR.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                if (m.group(2) == null) {
                    throw fail(p, "uses ${" + m.group(1) + "}, but the environment variable " + m.group(1)
                            + " is not set (set it, or write ${" + m.group(1) + ":-default})");
                }
                v = m.group(3);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }

    private DesIngestConfigException fail(String path, String why) {
        return new DesIngestConfigException(path, origin + ": " + (path.isEmpty() ? "" : path + " ") + why);
    }
}
