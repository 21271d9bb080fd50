package io.stowage.service;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified token says: the user, when it expires, and the CSRF token bound to a browser session
 * ({@code null} for API tokens).
 *
 * <p>{@code TokenClaims c = tokens.verify(bearer); c.user();}
 *
 * <p>Immutable, so thread-safe.
 *
 * @param user      the internal user id ({@code sub})
 * @param issuedAt  {@code iat}
 * @param expiresAt {@code exp}
 * @param csrf      the session's CSRF token, or {@code null}
 */
public record TokenClaims(String user, Instant issuedAt, Instant expiresAt, String csrf) {
    /** Validates. */
    public TokenClaims {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
