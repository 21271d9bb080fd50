package io.stowage.service;

/**
 * How session and API tokens are signed: {@code HS256} (one shared secret) or {@code RS256} (an RSA key pair; other
 * services can verify with the public half).
 *
 * <p>{@code JwtSettings.defaults().withAlgorithm(JwtAlgorithm.RS256)}
 */
public enum JwtAlgorithm {
    /** HMAC with SHA-256 and a 256-bit secret. */
    HS256,
    /** RSASSA-PKCS1-v1_5 with SHA-256 and a 2048-bit RSA key. */
    RS256
}
