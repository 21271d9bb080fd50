package io.stowage.service;

import java.time.Duration;
import java.util.Objects;

/**
 * What tokens the service issues and accepts: algorithm, issuer, audience, default lifetime, allowed clock skew.
 * A token with another algorithm ({@code alg: none} included), issuer or audience, a bad signature or a past expiry
 * is refused.
 *
 * <p>{@code JwtSettings s = JwtSettings.defaults().withAlgorithm(JwtAlgorithm.RS256).withTtl(Duration.ofHours(8));}
 *
 * <p>Immutable, so thread-safe.
 *
 * @param algorithm the signing algorithm
 * @param issuer    the {@code iss} claim written and required
 * @param audience  the {@code aud} claim written and required
 * @param ttl       the lifetime of a session token
 * @param clockSkew how far past {@code exp} a token is still accepted (clocks of two hosts differ)
 */
public record JwtSettings(JwtAlgorithm algorithm, String issuer, String audience, Duration ttl, Duration clockSkew) {
    /** Validates. */
    public JwtSettings {
        Objects.requireNonNull(algorithm, "algorithm");
        if (issuer == null || issuer.isBlank()) {
            throw new ServiceConfigException("JWT issuer must not be empty");
        }
        if (audience == null || audience.isBlank()) {
            throw new ServiceConfigException("JWT audience must not be empty");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new ServiceConfigException("JWT lifetime " + ttl + " must be positive, e.g. 12h");
        }
        if (clockSkew == null || clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ServiceConfigException("JWT clock skew " + clockSkew + " must be 0 to 5 minutes");
        }
    }

    /** HS256, issuer {@code stowage}, audience {@code stowage-transcode}, 12 h sessions, 30 s skew. */
    public static JwtSettings defaults() {
        return new JwtSettings(JwtAlgorithm.HS256, "stowage", "stowage-transcode", Duration.ofHours(12),
                Duration.ofSeconds(30));
    }

    /** A copy with another algorithm. */
    public JwtSettings withAlgorithm(JwtAlgorithm v) {
        return new JwtSettings(v, issuer, audience, ttl, clockSkew);
    }

    /** A copy with another issuer. */
    public JwtSettings withIssuer(String v) {
        return new JwtSettings(algorithm, v, audience, ttl, clockSkew);
    }

    /** A copy with another audience. */
    public JwtSettings withAudience(String v) {
        return new JwtSettings(algorithm, issuer, v, ttl, clockSkew);
    }

    /** A copy with another session lifetime. */
    public JwtSettings withTtl(Duration v) {
        return new JwtSettings(algorithm, issuer, audience, v, clockSkew);
    }

    /** A copy with another clock skew. */
    public JwtSettings withClockSkew(Duration v) {
        return new JwtSettings(algorithm, issuer, audience, ttl, v);
    }
}
