package io.stowage.des.ingest;

import io.stowage.des.ShardHash;
import io.stowage.des.SnowflakeNames;

import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * DES name assignment ({@code POST /assign} of {@code stowage serve des}): one {@link SnowflakeNames} generator per
 * process over a {@link NodeIdLease}, so names are unique across requests, threads and instances (the existing
 * service made a generator per request: calls in one millisecond got the same name). A name with another prefix is
 * the generator's next name with the prefix swapped, so prefixes share the one sequence.
 *
 * <pre>{@code
 * try (DesNameService names = DesNameService.start(db, 3, 32, 8, Duration.ofSeconds(30))) {
 *     DesNameService.Assignment a = names.assign("DES", null);   // name, shard_id, day
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class DesNameService implements AutoCloseable {
    /** Longest prefix: a name is the prefix plus 27 characters and must fit {@code VARCHAR(255)}. */
    public static final int MAX_PREFIX = 228;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9]+");
    private static final String BASE = "DES";

    /** One assigned name: {@code shardId} is the consistent hash of the name with the service's shard bits. */
    public record Assignment(String name, long shardId, LocalDate day) {}

    private final NodeIdLease lease;
    private final boolean ownsLease;
    private final SnowflakeNames names;
    private final int shardBits;

    private DesNameService(NodeIdLease lease, boolean ownsLease, int wrapBits, int shardBits) {
        if (shardBits < 1 || shardBits > 16) {
            throw new DesIngestConfigException("DES_SHARD_BITS", "shard bits " + shardBits + " must be 1..16");
        }
        if (wrapBits < 1 || wrapBits > 32) {
            throw new DesIngestConfigException("DES_WRAP_BITS", "wrap bits " + wrapBits + " must be 1..32");
        }
        this.lease = lease;
        this.ownsLease = ownsLease;
        this.names = SnowflakeNames.create(BASE, lease.nodeId(), wrapBits, System::currentTimeMillis);
        this.shardBits = shardBits;
    }

    /**
     * Leases {@code nodeId} ({@link NodeIdLease#defaultHolder()}) and starts a service that frees it on close.
     *
     * @throws DesIngestNodeIdHeldException when a live process holds the node id (the message names it)
     */
    public static DesNameService start(IngestDatabase db, int nodeId, int wrapBits, int shardBits, Duration leaseTtl) {
        if (nodeId < 0 || nodeId > NodeIdLease.MAX_NODE_ID) {
            throw new DesIngestConfigException("DES_NODE_ID", "node id " + nodeId + " must be 0..255");
        }
        NodeIdLease lease = NodeIdLease.acquire(db, nodeId, NodeIdLease.defaultHolder(), leaseTtl);
        try {
            return new DesNameService(lease, true, wrapBits, shardBits);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** A service over {@code lease}, which the caller keeps and closes. */
    public static DesNameService create(NodeIdLease lease, int wrapBits, int shardBits) {
        return new DesNameService(lease, false, wrapBits, shardBits);
    }

    /**
     * The next name with {@code prefix}, its shard and day. {@code metaHint} is accepted as the existing service
     * accepts it and does not change the name.
     *
     * @throws DesIngestInvalidPrefixException when the prefix is empty, too long or not ASCII letters and digits
     * @throws DesIngestNodeIdLostException    when the node-id lease is lost (no name is given)
     */
    public Assignment assign(String prefix, Map<String, ?> metaHint) {
        checkPrefix(prefix);
        if (lease.isLost()) {
            throw new DesIngestNodeIdLostException(lease.nodeId(), "the lease of node id " + lease.nodeId()
                    + " is lost (" + lease.lostReason() + "): no names are given until the service is restarted");
        }
        String base = names.next();
        String name = prefix + base.substring(BASE.length());
        int p = prefix.length() + 1;
        LocalDate day = LocalDate.parse(name.substring(p, p + 8), DateTimeFormatter.BASIC_ISO_DATE);
        return new Assignment(name, ShardHash.shardOf(name, shardBits), day);
    }

    /** Checks a prefix as {@link #assign} does. */
    public static void checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new DesIngestInvalidPrefixException(prefix, "prefix must not be empty");
        }
        if (prefix.length() > MAX_PREFIX) {
            throw new DesIngestInvalidPrefixException(prefix, "prefix is " + prefix.length() + " characters long; "
                    + "at most " + MAX_PREFIX + " (names must fit des_name VARCHAR(255))");
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new DesIngestInvalidPrefixException(prefix, "prefix '" + prefix + "' must be ASCII letters and "
                    + "digits only");
        }
    }

    /** The node id names are made with. */
    public int nodeId() {
        return lease.nodeId();
    }

    /** The shard bits of {@link Assignment#shardId()}. */
    public int shardBits() {
        return shardBits;
    }

    /** Whether names can be given (the lease holds). */
    public boolean isHealthy() {
        return !lease.isLost();
    }

    /** Frees the node id when this service leased it. */
    @Override
    public void close() {
        if (ownsLease) {
            lease.close();
        }
    }
}
