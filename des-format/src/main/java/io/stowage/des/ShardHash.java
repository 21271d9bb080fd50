package io.stowage.des;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Consistent-hash routing of names to shards, as the reference: the most significant {@code nBits} (1..256) of
 * SHA-256 of the UTF-8 name, read big-endian.
 *
 * <p>{@code int shard = (int) ShardHash.shardOf("DES_20250404_(07417CE42C82_E4)", 8);}
 *
 * <p>Stateless and thread-safe.
 */
public final class ShardHash {
    private ShardHash() {}

    /** The shard of {@code name} for {@code nBits} from 1 to 63. */
    public static long shardOf(String name, int nBits) {
        if (nBits < 1 || nBits > 63) {
            throw new IllegalArgumentException("nBits " + nBits + " must be 1..63 here; use shardOfBig for up to 256");
        }
        byte[] h = sha256(name);
        long top = 0;
        for (int i = 0; i < 8; i++) {
            top = (top << 8) | (h[i] & 0xff);
        }
        return top >>> (64 - nBits);
    }

    /** The shard of {@code name} for {@code nBits} from 1 to 256. */
    public static BigInteger shardOfBig(String name, int nBits) {
        if (nBits < 1 || nBits > 256) {
            throw new IllegalArgumentException("nBits " + nBits + " must be between 1 and 256");
        }
        return new BigInteger(1, sha256(name)).shiftRight(256 - nBits);
    }

    /** One digest per thread: a provider lookup per call cost more than hashing a key (a claim hashes 1,000). */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    private static byte[] sha256(String name) {
        return SHA256.get().digest(name.getBytes(StandardCharsets.UTF_8));     // digest() also resets it
    }
}
