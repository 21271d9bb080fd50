package io.stowage.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@link SyncConfig}: a JSON config file, then environment variables ({@code STOWAGE_SYNC_<KEY>}, e.g.
 * {@code STOWAGE_SYNC_TRIGGER_URL}), then options, merged in that order (later wins) and validated. An unknown key,
 * a value of the wrong type and a bad value are {@link SyncConfigException}s that name the key, the value and where
 * it came from. Also reads back a configuration the ledger recorded ({@link #fromJson}).
 *
 * <pre>{@code
 * // stowage-sync.json: {"project": "photos", "state": "jdbc:postgresql://db/stowage?user=up", "bucket": "media",
 * //                     "prefix": "day1", "workers": 32, "ext": ["jpg", "mp4"], "trigger_url": "http://hooks.local/done"}
 * SyncConfig c = SyncConfigLoader.load(Path.of("stowage-sync.json"), System.getenv(),
 *         Map.of("source", "/mnt/photos"));
 * }</pre>
 *
 * <p>Text values (environment, string options) are parsed by the key's type: integers, {@code true/false/1/0/yes/no},
 * seconds as decimal numbers, lists comma-separated ({@code STOWAGE_SYNC_INCLUDE='cam1/**,*.{jpg,png}'}: a comma
 * inside {@code {...}} belongs to the glob). Stateless and thread-safe.
 */
public final class SyncConfigLoader {
    private SyncConfigLoader() {}

    /**
     * Merges a JSON config file (may be {@code null}), the environment ({@code STOWAGE_SYNC_*} variables; others
     * are ignored) and {@code options} (keys as in the file; values strings, numbers, booleans, lists, {@code Path},
     * {@code URI}, {@code Duration} or {@code null} for "not given"), in that order.
     *
     * @throws SyncConfigException for a missing or unreadable file, bad JSON, an unknown key, a wrong type or a bad
     *                             value
     */
    public static SyncConfig load(Path configFile, Map<String, String> env, Map<String, ?> options) {
        SyncConfig.Draft d = fileAndEnvironment(configFile, env);
        if (options != null) {
            for (Map.Entry<String, ?> e : options.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                String where = "option " + e.getKey();
                ConfigKey k = known(e.getKey(), where, e.getKey());
                set(d, k, e.getValue(), where);
            }
        }
        return d.build();
    }

    /**
     * Merges a JSON config file (may be {@code null}), the environment ({@code STOWAGE_SYNC_*} variables) and typed
     * {@code overrides}, in that order: the same as {@link #load(Path, Map, Map)}, with the keys checked by the
     * compiler.
     *
     * @throws SyncConfigException for a missing or unreadable file, bad JSON, an unknown key, a wrong type or a bad
     *                             value
     */
    public static SyncConfig load(Path configFile, Map<String, String> env, SyncOverrides overrides) {
        SyncConfig.Draft d = fileAndEnvironment(configFile, env);
        for (Map.Entry<ConfigKey, Object> e : overrides.values().entrySet()) {
            set(d, e.getKey(), e.getValue(), "option " + e.getKey().json());
        }
        return d.build();
    }

    private static void set(SyncConfig.Draft d, ConfigKey k, Object v, String where) {
        k.set(d, v instanceof String s ? parseText(k, s, where) : check(k, v, where));
    }

    private static SyncConfig.Draft fileAndEnvironment(Path configFile, Map<String, String> env) {
        SyncConfig.Draft d = new SyncConfig.Draft(SyncConfig.defaults());
        if (configFile != null) {
            fromObject(readFile(configFile), "config file " + configFile, d);
        }
        if (env != null) {
            for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
                if (!e.getKey().startsWith(SyncConfig.ENV_PREFIX)) {
                    continue;
                }
                String name = e.getKey().substring(SyncConfig.ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
                String where = "environment variable " + e.getKey();
                ConfigKey k = known(name, where, e.getKey());
                k.set(d, parseText(k, e.getValue(), where));
            }
        }
        return d;
    }

    /**
     * A configuration as {@link SyncConfig#toJson()} wrote it into the ledger (keys missing from older entries take
     * their defaults).
     *
     * @throws SyncConfigException if it is not such a JSON object
     */
    public static SyncConfig fromJson(String json) {
        JsonNode root;
        try {
            root = SyncJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new SyncConfigException("recorded configuration is not valid JSON: " + e.getMessage(), "config", e);
        }
        if (root == null || !root.isObject()) {
            throw new SyncConfigException("recorded configuration is not a JSON object", "config");
        }
        SyncConfig.Draft d = new SyncConfig.Draft(SyncConfig.defaults());
        fromObject(root, "recorded configuration", d);
        return d.build();
    }

    private static ConfigKey known(String name, String where, String shown) {
        ConfigKey k = ConfigKey.of(name);
        if (k == null) {
            throw new SyncConfigException(where + ": unknown key '" + shown + "'; known keys: "
                    + String.join(", ", SyncConfig.keys()), name);
        }
        return k;
    }

    private static JsonNode readFile(Path file) {
        JsonNode root;
        try {
            root = SyncJson.MAPPER.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new SyncConfigException("config file " + file + " does not exist", "config");
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new SyncConfigException("config file " + file + " is not valid JSON: " + msg, "config", e);
        }
        if (root == null || !root.isObject()) {
            throw new SyncConfigException("config file " + file + " must hold one JSON object, e.g. "
                    + "{\"project\": \"photos\", \"bucket\": \"media\"}", "config");
        }
        return root;
    }

    private static void fromObject(JsonNode root, String where, SyncConfig.Draft d) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ConfigKey k = known(e.getKey(), where, e.getKey());
            k.set(d, fromNode(k, e.getValue(), where));
        }
    }

    private static Object fromNode(ConfigKey k, JsonNode n, String where) {
        String key = k.json();
        if (n.isNull()) {
            return null;
        }
        switch (k.type()) {
            case STRING:
                if (!n.isTextual()) {
                    throw wrongType(key, "a string", n.toString(), where);
                }
                return n.asText();
            case INT:
                if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                    throw wrongType(key, "an integer", n.toString(), where);
                }
                return n.asInt();
            case BOOL:
                if (!n.isBoolean()) {
                    throw wrongType(key, "true or false", n.toString(), where);
                }
                return n.asBoolean();
            case LIST:
                if (!n.isArray()) {
                    throw wrongType(key, "an array of strings", n.toString(), where);
                }
                List<String> out = new ArrayList<>();
                for (JsonNode x : n) {
                    if (!x.isTextual()) {
                        throw wrongType(key, "an array of strings", n.toString(), where);
                    }
                    out.add(x.asText());
                }
                return out;
            default:
                if (!n.isNumber()) {
                    throw wrongType(key, "a number of seconds", n.toString(), where);
                }
                return n.asDouble();
        }
    }

    private static SyncConfigException wrongType(String key, String expected, String value, String where) {
        return new SyncConfigException(where + ": '" + key + "' must be " + expected + ", got " + value, key);
    }

    private static Object parseText(ConfigKey k, String s, String where) {
        String key = k.json();
        String v = s.strip();
        switch (k.type()) {
            case STRING:
                return s;
            case INT:
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw wrongType(key, "an integer", "'" + s + "'", where);
                }
            case BOOL:
                if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) {
                    return true;
                }
                if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) {
                    return false;
                }
                throw wrongType(key, "true or false", "'" + s + "'", where);
            case LIST:
                return splitList(v);
            default:
                try {
                    double d = Double.parseDouble(v);
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw wrongType(key, "a number of seconds", "'" + s + "'", where);
                }
        }
    }

    /** {@code a,b{c,d},e} → {@code [a, b{c,d}, e]}: commas inside braces belong to the glob. */
    static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' && depth == 0) {
                add(out, cur);
                continue;
            }
            depth += c == '{' ? 1 : c == '}' && depth > 0 ? -1 : 0;
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    private static Object check(ConfigKey k, Object v, String where) {
        String key = k.json();
        switch (k.type()) {
            case STRING:
                if (v instanceof Path p) {
                    return p.toString();
                }
                if (v instanceof URI u) {
                    return u.toString();
                }
                if (!(v instanceof String)) {
                    throw wrongType(key, "a string", String.valueOf(v), where);
                }
                return v;
            case INT:
                if (!(v instanceof Integer)) {
                    throw wrongType(key, "an integer", String.valueOf(v), where);
                }
                return v;
            case BOOL:
                if (!(v instanceof Boolean)) {
                    throw wrongType(key, "true or false", String.valueOf(v), where);
                }
                return v;
            case LIST:
                if (!(v instanceof Collection<?> c) || !c.stream().allMatch(x -> x instanceof String)) {
                    throw wrongType(key, "a list of strings", String.valueOf(v), where);
                }
                List<String> out = new ArrayList<>();
                c.forEach(x -> out.add((String) x));
                return out;
            default:
                if (v instanceof Duration dur) {
                    return dur.toNanos() / 1e9;
                }
                if (!(v instanceof Number)) {
                    throw wrongType(key, "a number of seconds", String.valueOf(v), where);
                }
                return ((Number) v).doubleValue();
        }
    }
}
