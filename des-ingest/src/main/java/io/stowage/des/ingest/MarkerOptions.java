package io.stowage.des.ingest;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Settings of the {@link Marker}, with the defaults and environment variables of the existing marker worker
 * (docs/formats/DES-INGEST.md section 5).
 *
 * <pre>{@code
 * MarkerOptions o = MarkerOptions.fromEnvironment(System.getenv()).withBatchSize(500).withRateLimit(2000);
 * }</pre>
 *
 * @param prefix             name prefix, ASCII letters and digits ({@code DES_NAME_PREFIX}, default {@code DES})
 * @param nodeId             snowflake node id 0..255, leased ({@code DES_NODE_ID}, default 0)
 * @param wrapBits           bits of the millisecond clock in a name, 1..32 ({@code DES_WRAP_BITS}, default 32)
 * @param batchSize          rows claimed per transaction, 1..10000 ({@code DES_MARKER_BATCH_SIZE}, default 100)
 * @param maxAge             only rows at least this old are marked ({@code DES_MARKER_MAX_AGE_DAYS}, default 1 day;
 *                           0 marks every row)
 * @param maxRetries         transient failures of one row before it goes to the DLQ ({@code DES_MARKER_MAX_RETRIES},
 *                           default 3)
 * @param retryBackoffBase   a row's n-th retry waits {@code retryBackoffUnit * base^n}
 *                           ({@code DES_MARKER_RETRY_BACKOFF_BASE}, default 2.0)
 * @param retryBackoffUnit   the unit of the backoff (default 1 s; tests shorten it)
 * @param rateLimit          rows marked per second at most, 0 for no limit ({@code DES_MARKER_RATE_LIMIT})
 * @param enableDlq          whether rows that fail for good get a row in the DLQ table
 *                           ({@code DES_MARKER_ENABLE_DLQ}, default true)
 * @param dlqTable           the DLQ table ({@code DES_MARKER_DLQ_TABLE}, default {@code des_marker_dlq}); created
 *                           like it when missing
 * @param interval           pause after a batch that was not full ({@code DES_MARKER_INTERVAL_SECONDS}, default 5 s)
 * @param leaseTtl           TTL of the node-id lease (default 30 s)
 */
public record MarkerOptions(String prefix, int nodeId, int wrapBits, int batchSize, Duration maxAge, int maxRetries,
                            double retryBackoffBase, Duration retryBackoffUnit, double rateLimit, boolean enableDlq,
                            String dlqTable, Duration interval, Duration leaseTtl) {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9]+");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    public MarkerOptions {
        check(prefix != null && PREFIX.matcher(prefix).matches(), "DES_NAME_PREFIX",
                "prefix '" + prefix + "' must be non-empty ASCII letters and digits");
        check(nodeId >= 0 && nodeId <= NodeIdLease.MAX_NODE_ID, "DES_NODE_ID", "node id " + nodeId
                + " must be 0..255");
        check(wrapBits >= 1 && wrapBits <= 32, "DES_WRAP_BITS", "wrap bits " + wrapBits + " must be 1..32");
        check(batchSize >= 1 && batchSize <= 10_000, "DES_MARKER_BATCH_SIZE", "batch size " + batchSize
                + " must be 1..10000");
        check(maxAge != null && !maxAge.isNegative(), "DES_MARKER_MAX_AGE_DAYS", "max age must be 0 or more");
        check(maxRetries >= 0, "DES_MARKER_MAX_RETRIES", "max retries " + maxRetries + " must be 0 or more");
        check(retryBackoffBase >= 1.0 && retryBackoffBase <= 60, "DES_MARKER_RETRY_BACKOFF_BASE",
                "retry backoff base " + retryBackoffBase + " must be 1..60");
        check(retryBackoffUnit != null && !retryBackoffUnit.isNegative(), "retry_backoff_unit",
                "the retry backoff unit must be 0 or more");
        check(rateLimit >= 0 && !Double.isNaN(rateLimit), "DES_MARKER_RATE_LIMIT", "rate limit " + rateLimit
                + " must be 0 (none) or more");
        check(dlqTable != null && TABLE.matcher(dlqTable).matches(), "DES_MARKER_DLQ_TABLE", "DLQ table '"
                + dlqTable + "' must be a plain SQL name ([schema.]table, letters, digits, _)");
        check(interval != null && !interval.isNegative(), "DES_MARKER_INTERVAL_SECONDS",
                "interval must be 0 or more");
        check(leaseTtl != null && leaseTtl.toMillis() >= 100, "lease_ttl", "the node-id lease TTL must be >= 100 ms");
    }

    private static void check(boolean ok, String key, String message) {
        if (!ok) {
            throw new DesIngestConfigException(key, message);
        }
    }

    /** The defaults of the existing marker worker. */
    public static MarkerOptions defaults() {
        return new MarkerOptions("DES", 0, 32, 100, Duration.ofDays(1), 3, 2.0, Duration.ofSeconds(1), 0, true,
                "des_marker_dlq", Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /**
     * The defaults overridden by the variables of section 5 present in {@code env}: {@code DES_NAME_PREFIX},
     * {@code DES_NODE_ID}, {@code DES_WRAP_BITS}, {@code DES_MARKER_BATCH_SIZE}, {@code DES_MARKER_MAX_AGE_DAYS}
     * (a number, fractions allowed), {@code DES_MARKER_MAX_RETRIES}, {@code DES_MARKER_RETRY_BACKOFF_BASE},
     * {@code DES_MARKER_RATE_LIMIT}, {@code DES_MARKER_ENABLE_DLQ} (true/false/1/0/yes/no),
     * {@code DES_MARKER_DLQ_TABLE}, {@code DES_MARKER_INTERVAL_SECONDS}.
     *
     * @throws DesIngestConfigException naming the variable whose value is unusable
     */
    public static MarkerOptions fromEnvironment(Map<String, String> env) {
        MarkerOptions o = defaults();
        String v;
        if ((v = get(env, "DES_NAME_PREFIX")) != null) {
            o = o.withPrefix(v);
        }
        if ((v = get(env, "DES_NODE_ID")) != null) {
            o = o.withNodeId(integer("DES_NODE_ID", v));
        }
        if ((v = get(env, "DES_WRAP_BITS")) != null) {
            o = o.withWrapBits(integer("DES_WRAP_BITS", v));
        }
        if ((v = get(env, "DES_MARKER_BATCH_SIZE")) != null) {
            o = o.withBatchSize(integer("DES_MARKER_BATCH_SIZE", v));
        }
        if ((v = get(env, "DES_MARKER_MAX_AGE_DAYS")) != null) {
            o = o.withMaxAge(seconds("DES_MARKER_MAX_AGE_DAYS", number("DES_MARKER_MAX_AGE_DAYS", v) * 86_400));
        }
        if ((v = get(env, "DES_MARKER_MAX_RETRIES")) != null) {
            o = o.withMaxRetries(integer("DES_MARKER_MAX_RETRIES", v));
        }
        if ((v = get(env, "DES_MARKER_RETRY_BACKOFF_BASE")) != null) {
            o = o.withRetryBackoffBase(number("DES_MARKER_RETRY_BACKOFF_BASE", v));
        }
        if ((v = get(env, "DES_MARKER_RATE_LIMIT")) != null) {
            o = o.withRateLimit(number("DES_MARKER_RATE_LIMIT", v));
        }
        if ((v = get(env, "DES_MARKER_ENABLE_DLQ")) != null) {
            o = o.withEnableDlq(bool("DES_MARKER_ENABLE_DLQ", v));
        }
        if ((v = get(env, "DES_MARKER_DLQ_TABLE")) != null) {
            o = o.withDlqTable(v);
        }
        if ((v = get(env, "DES_MARKER_INTERVAL_SECONDS")) != null) {
            o = o.withInterval(seconds("DES_MARKER_INTERVAL_SECONDS", number("DES_MARKER_INTERVAL_SECONDS", v)));
        }
        return o;
    }

    private static String get(Map<String, String> env, String key) {
        String v = env.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new DesIngestConfigException(key, key + "=" + v + " is not a whole number");
        }
    }

    private static double number(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new DesIngestConfigException(key, key + "=" + v + " is not a number");
        }
    }

    private static Duration seconds(String key, double s) {
        if (s < 0) {
            throw new DesIngestConfigException(key, key + " must be 0 or more, not " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static boolean bool(String key, String v) {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on":
                return true;
            case "false", "0", "no", "off":
                return false;
            default:
                throw new DesIngestConfigException(key, key + "=" + v + " is not true or false");
        }
    }

    /** The wait before a row's {@code attempt}-th retry: {@code unit * base^attempt}, at most one hour. */
    public Duration backoff(int attempt) {
        double ms = retryBackoffUnit.toMillis() * Math.pow(retryBackoffBase, attempt);
        return Duration.ofMillis((long) Math.min(ms, 3_600_000d));
    }

    public MarkerOptions withPrefix(String v) {
        return new MarkerOptions(v, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withNodeId(int v) {
        return new MarkerOptions(prefix, v, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withWrapBits(int v) {
        return new MarkerOptions(prefix, nodeId, v, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withBatchSize(int v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, v, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withMaxAge(Duration v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, v, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withMaxRetries(int v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, v, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withRetryBackoffBase(double v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, v,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withRetryBackoffUnit(Duration v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                v, rateLimit, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withRateLimit(double v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, v, enableDlq, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withEnableDlq(boolean v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, v, dlqTable, interval, leaseTtl);
    }

    public MarkerOptions withDlqTable(String v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, v, interval, leaseTtl);
    }

    public MarkerOptions withInterval(Duration v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, v, leaseTtl);
    }

    public MarkerOptions withLeaseTtl(Duration v) {
        return new MarkerOptions(prefix, nodeId, wrapBits, batchSize, maxAge, maxRetries, retryBackoffBase,
                retryBackoffUnit, rateLimit, enableDlq, dlqTable, interval, v);
    }
}
