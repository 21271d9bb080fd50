package io.stowage.sync.internal;

import io.stowage.sync.SyncConfigException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The shape of a {@code jdbc:postgresql:} ledger URL, checked before the driver sees it: the driver answers a URL it
 * cannot parse with a raw {@code WARNING} on stderr and "No suitable driver", so a missing database, a bad port or
 * broken escapes are named here instead, as usage errors. Stateless.
 */
final class PgUrl {
    private static final String PREFIX = "jdbc:postgresql:";
    private static final String EXAMPLE = "jdbc:postgresql://HOST:5432/DATABASE?user=NAME";

    private PgUrl() {}

    /**
     * Checks {@code url}.
     *
     * @throws SyncConfigException naming what is wrong, the URL (password hidden) and the form it should have
     */
    static void check(String url) {
        String shown = LedgerDb.redact(url);
        if (!url.startsWith(PREFIX)) {
            throw bad(shown, "it must start with " + PREFIX + " in lower case");
        }
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String params = q >= 0 ? rest.substring(q + 1) : "";
        rest = q >= 0 ? rest.substring(0, q) : rest;
        String database;
        if (rest.startsWith("//")) {
            String server = rest.substring(2);
            int slash = server.indexOf('/');
            if (slash < 0) {
                throw bad(shown, "it names no database: add /DATABASE after " + (server.isEmpty() ? "the host"
                        : server));
            }
            database = server.substring(slash + 1);
            server = server.substring(0, slash);
            for (String hostPort : server.split(",", -1)) {
                checkHost(shown, hostPort, server.contains(","));
            }
        } else {
            database = rest;
        }
        if (database.isEmpty()) {
            throw bad(shown, "it names no database after the last /");
        }
        decode(shown, "the database name", database);
        if (!params.isEmpty()) {
            for (String p : params.split("&", -1)) {
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String key = eq < 0 ? p : p.substring(0, eq);
                if (key.isEmpty()) {
                    throw bad(shown, "the parameter '" + LedgerDb.redact(p) + "' has no name");
                }
                if (eq >= 0) {
                    decode(shown, "the value of " + key, p.substring(eq + 1));
                }
            }
        }
    }

    private static void checkHost(String shown, String hostPort, boolean several) {
        if (hostPort.isEmpty()) {
            if (several) {
                throw bad(shown, "its list of hosts has an empty entry");
            }
            return;   // jdbc:postgresql:///db is localhost:5432
        }
        String port = null;
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            if (end < 0) {
                throw bad(shown, "the IPv6 address " + hostPort + " lacks its closing ]");
            }
            if (end + 1 < hostPort.length()) {
                if (hostPort.charAt(end + 1) != ':') {
                    throw bad(shown, "after the IPv6 address " + hostPort.substring(0, end + 1) + " comes "
                            + hostPort.substring(end + 1) + " instead of :PORT");
                }
                port = hostPort.substring(end + 2);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon == 0) {
                throw bad(shown, "it has a port but no host before it (" + hostPort + ")");
            }
            if (colon > 0) {
                port = hostPort.substring(colon + 1);
            }
        }
        if (port != null) {
            int n = -1;
            if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                n = Integer.parseInt(port);
            }
            if (n < 1 || n > 65535) {
                throw bad(shown, "the port '" + port + "' of " + hostPort + " is not a number from 1 to 65535");
            }
        }
    }

    private static void decode(String shown, String what, String value) {
        try {
            URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad(shown, what + " has a broken %-escape (" + e.getMessage() + "); write % as %25");
        }
    }

    private static SyncConfigException bad(String shown, String what) {
        return new SyncConfigException("state URL " + shown + " is not a PostgreSQL JDBC URL the driver can use: "
                + what + "; write " + EXAMPLE, "state");
    }
}
