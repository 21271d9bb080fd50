package io.stowage.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.stowage.service.internal.KeyFiles;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Issues and verifies the service's JWTs (nimbus-jose-jwt): HS256 or RS256 by {@link JwtSettings}, with expiry,
 * issuer and audience checked. {@code alg: none}, another algorithm, a wrong key, a changed payload or signature,
 * an expired token and a token without a subject are all {@link ServiceUnauthorizedException} (401).
 *
 * <pre>{@code
 * JwtTokens tokens = JwtTokens.fromKeyFile(Path.of("state/jwt-key.json"), JwtSettings.defaults());
 * String jwt = tokens.create("alice", Duration.ofHours(1));
 * TokenClaims c = tokens.verify(jwt);   // c.user() == "alice"
 * }</pre>
 *
 * <p>The key file holds one JWK (JSON). When it does not exist it is generated once, written with mode 0600 to a
 * temporary name, fsynced and renamed, and reused by later starts and by {@code stowage token create}.
 *
 * <p>A verified token is remembered by its exact text for a minute (at most 10,000), so a page polling
 * {@code /status} costs one signature check a minute; its expiry is still checked on every use.
 *
 * <p>Thread-safe.
 */
public final class JwtTokens {
    private final JwtSettings settings;
    private final JWSSigner signer;
    private final JWSAlgorithm alg;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final DefaultJWTProcessor<SecurityContext> loginProcessor;
    /** Tokens verified lately, by their exact text: a poller's token is checked once a minute, not per request. */
    private final Cache<String, TokenClaims> verified = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    private JwtTokens(JWK key, JwtSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        try {
            if (settings.algorithm() == JwtAlgorithm.HS256) {
                if (!(key instanceof OctetSequenceKey oct)) {
                    throw new ServiceConfigException("JWT key is a " + key.getKeyType() + " key but --jwt-algorithm is "
                            + "HS256; give an HS256 key file (an \"oct\" JWK) or switch to RS256");
                }
                this.signer = new MACSigner(oct);
                this.alg = JWSAlgorithm.HS256;
            } else {
                if (!(key instanceof RSAKey rsa) || !rsa.isPrivate()) {
                    throw new ServiceConfigException("JWT key is not a private RSA key but --jwt-algorithm is RS256; "
                            + "give an RSA JWK with its private part or switch to HS256");
                }
                this.signer = new RSASSASigner(rsa);
                this.alg = JWSAlgorithm.RS256;
            }
        } catch (JOSEException e) {
            throw new ServiceConfigException("JWT key unusable for " + settings.algorithm() + ": " + e.getMessage()
                    + " (an HS256 secret needs at least 256 bits)", e);
        }
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(new JWKSet(key))));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(settings.audience(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub", "exp", "iat"));
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        this.loginProcessor = new DefaultJWTProcessor<>();
        loginProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg, new ImmutableJWKSet<>(new JWKSet(key))));
        DefaultJWTClaimsVerifier<SecurityContext> login = new DefaultJWTClaimsVerifier<>(settings.audience() + "#login",
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("sub", "exp", "state", "verifier"));
        login.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        loginProcessor.setJWTClaimsSetVerifier(login);
    }

    /** Tokens signed with the JWK in {@code keyFile}; generates the file (0600) when it does not exist. */
    public static JwtTokens fromKeyFile(Path keyFile, JwtSettings settings) {
        return new JwtTokens(KeyFiles.loadOrCreate(keyFile, settings.algorithm()), settings);
    }

    /** Tokens signed with {@code key} (an {@code oct} JWK for HS256, a private RSA JWK for RS256). */
    public static JwtTokens of(JWK key, JwtSettings settings) {
        return new JwtTokens(key, settings);
    }

    /** The settings in force. */
    public JwtSettings settings() {
        return settings;
    }

    /** An API token for {@code user} valid for {@code ttl} (a negative ttl makes an already expired token). */
    public String create(String user, Duration ttl) {
        return sign(user, ttl, null);
    }

    /** A browser session token for {@code user}, bound to a fresh CSRF token, valid for the settings' ttl. */
    public String createSession(String user) {
        return sign(user, settings.ttl(), UUID.randomUUID().toString().replace("-", ""));
    }

    private String sign(String user, Duration ttl, String csrf) {
        if (user == null || user.isBlank()) {
            throw new ServiceBadRequestException("a token needs a user id");
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().subject(user).issuer(settings.issuer())
                .audience(settings.audience()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (csrf != null) {
            c.claim("csrf", csrf);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), c.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** The pending OAuth login a browser carries in a cookie: provider, state and PKCE verifier, signed. */
    record LoginState(String provider, String state, String verifier) {
    }

    /** Signs a pending login for 10 minutes, with an audience of its own so it never passes as a session. */
    String signLogin(LoginState login) {
        Instant now = Instant.now();
        JWTClaimsSet c = new JWTClaimsSet.Builder().subject(login.provider()).issuer(settings.issuer())
                .audience(settings.audience() + "#login").issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).claim("state", login.state())
                .claim("verifier", login.verifier()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), c);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** The pending login in a cookie, or 401 when it is missing, forged or older than 10 minutes. */
    LoginState verifyLogin(String token) {
        if (token == null || token.isBlank()) {
            throw new ServiceUnauthorizedException("sign-in expired or started in another browser: no login cookie; "
                    + "start again from the page");
        }
        try {
            JWTClaimsSet c = loginProcessor.process(SignedJWT.parse(token.trim()), null);
            return new LoginState(c.getSubject(), c.getStringClaim("state"), c.getStringClaim("verifier"));
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new ServiceUnauthorizedException("sign-in refused: login cookie invalid (" + e.getMessage()
                    + "); start again from the page");
        }
    }

    /**
     * Verifies signature, algorithm, issuer, audience and expiry.
     *
     * @throws ServiceUnauthorizedException naming why the token is refused
     */
    public TokenClaims verify(String token) {
        if (token == null || token.isBlank()) {
            throw new ServiceUnauthorizedException("no token: send Authorization: Bearer <jwt> or sign in");
        }
        TokenClaims cached = verified.getIfPresent(token);
        if (cached != null) {
            if (Instant.now().isBefore(cached.expiresAt().plus(settings.clockSkew()))) {
                return cached;
            }
            verified.invalidate(token); // expired since: verify again, which refuses it with the reason
        }
        try {
            JWTClaimsSet c = processor.process(SignedJWT.parse(token.trim()), null);
            Object csrf = c.getClaim("csrf");
            TokenClaims claims = new TokenClaims(c.getSubject(), c.getIssueTime().toInstant(),
                    c.getExpirationTime().toInstant(), csrf == null ? null : csrf.toString());
            verified.put(token, claims);
            return claims;
        } catch (ParseException e) {
            throw new ServiceUnauthorizedException("token refused: not a signed JWT (" + e.getMessage() + ")");
        } catch (BadJOSEException | JOSEException e) {
            throw new ServiceUnauthorizedException("token refused: " + e.getMessage());
        }
    }
}
