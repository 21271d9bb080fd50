package io.stowage.sync;

import java.time.Instant;
import java.util.List;

/**
 * One entry of a project's configuration history: the effective configuration of one session and which keys differ
 * from the entry before.
 *
 * <p>{@code ledger.configHistory("photos").forEach(c -> System.out.println(c.sessionId() + " " + c.changedKeys()));}
 *
 * <p>Immutable and thread-safe.
 *
 * @param sessionId   the session that ran with it
 * @param at          when it was recorded
 * @param config      the configuration, JSON
 * @param changedKeys keys that differ from the previous entry (every key for the first entry)
 */
public record ConfigChange(long sessionId, Instant at, String config, List<String> changedKeys) {
    public ConfigChange {
        changedKeys = List.copyOf(changedKeys);
    }
}
