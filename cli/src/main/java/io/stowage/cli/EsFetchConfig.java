package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON configuration of the existing ES downloader, read by {@code stowage es fetch --config FILE.json}: keys
 * {@code bucket}, {@code prefix}, {@code region}, {@code endpoint}, {@code start_time}, {@code end_time} (ISO-8601 or
 * epoch seconds), {@code output}, {@code workers}, {@code retries}, {@code trim}, and the discouraged
 * {@code aws_access_key_id}/{@code aws_secret_access_key} (honoured, with a warning). Flags given on the command line
 * override it; an unknown key is a usage error naming it.
 *
 * <p>{@code EsFetchConfig c = EsFetchConfig.read(Path.of("fetch.json"), stderr);}
 *
 * <p>Immutable and thread-safe. Every field is null when the file does not set it.
 */
record EsFetchConfig(String bucket, String prefix, String region, String endpoint, Instant startTime,
                     Instant endTime, String output, Integer workers, Integer retries, Boolean trim,
                     String accessKeyId, String secretAccessKey) {

    static final List<String> KEYS = List.of("bucket", "prefix", "region", "endpoint", "start_time", "end_time",
            "output", "workers", "retries", "trim", "aws_access_key_id", "aws_secret_access_key");

    /** No configuration file. */
    static final EsFetchConfig NONE = new EsFetchConfig(null, null, null, null, null, null, null, null, null, null,
            null, null);

    /**
     * Reads {@code file}; warns on {@code err} when it holds credentials.
     *
     * @throws CliException (usage) if the file is unreadable, not a JSON object, has an unknown key or a value of the
     *                      wrong type
     */
    static EsFetchConfig read(Path file, PrintWriter err) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw CliException.usage("--config " + file + " cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw CliException.usage("--config " + file + " must hold one JSON object with the keys " + KEYS);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!KEYS.contains(key)) {
                throw CliException.usage("--config " + file + ": unknown key '" + safe(key)
                        + "'; the keys are " + KEYS);
            }
        }
        EsFetchConfig c = new EsFetchConfig(text(file, root, "bucket"), text(file, root, "prefix"),
                text(file, root, "region"), text(file, root, "endpoint"), time(file, root, "start_time"),
                time(file, root, "end_time"), text(file, root, "output"), integer(file, root, "workers"),
                integer(file, root, "retries"), bool(file, root, "trim"), text(file, root, "aws_access_key_id"),
                text(file, root, "aws_secret_access_key"));
        if (c.accessKeyId() != null || c.secretAccessKey() != null) {
            err.println("warning: " + file + " holds aws_access_key_id/aws_secret_access_key; credentials belong in"
                    + " the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or a profile (AWS_PROFILE)."
                    + " They are used this time.");
            err.flush();
        }
        if ((c.accessKeyId() == null) != (c.secretAccessKey() == null)) {
            throw CliException.usage("--config " + file + " holds only one of aws_access_key_id and"
                    + " aws_secret_access_key; give both or neither");
        }
        return c;
    }

    /** {@code s} with control characters escaped, for messages on a terminal. */
    static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code s3://bucket/prefix}, or null without a bucket. */
    String source() {
        if (bucket == null) {
            return null;
        }
        String p = prefix == null ? "" : prefix.startsWith("/") ? prefix.substring(1) : prefix;
        return "s3://" + bucket + "/" + p;
    }

    private static JsonNode value(JsonNode root, String key) {
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private static CliException wrongType(Path file, String key, JsonNode v, String want) {
        return CliException.usage("--config " + file + ": " + key + " is " + safe(v.toString())
                + ", expected " + want);
    }

    private static String text(Path file, JsonNode root, String key) {
        JsonNode v = value(root, key);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(file, key, v, "a string");
        }
        return v.asText();
    }

    private static Integer integer(Path file, JsonNode root, String key) {
        JsonNode v = value(root, key);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(file, key, v, "a whole number");
        }
        return v.asInt();
    }

    private static Boolean bool(Path file, JsonNode root, String key) {
        JsonNode v = value(root, key);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(file, key, v, "true or false");
        }
        return v.asBoolean();
    }

    private static Instant time(Path file, JsonNode root, String key) {
        JsonNode v = value(root, key);
        if (v == null) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw wrongType(file, key, v, "an ISO-8601 instant or Unix epoch seconds");
        }
        try {
            return EsTimeConverter.parse(key, v.isTextual() ? v.asText() : v.asText());
        } catch (CliException e) {
            throw CliException.usage("--config " + file + ": " + e.getMessage());
        }
    }
}
