package io.stowage.service;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One OAuth2 provider for the authorization-code login with PKCE: its endpoints, the client registered there, the
 * scopes, and the userinfo field that identifies a user ({@code sub} for Google and OpenID Connect, {@code id} for
 * GitHub). {@link #google} and {@link #github} fill in the public endpoints; every endpoint can be replaced (a
 * company's identity server, a test server).
 *
 * <pre>{@code
 * OAuthProvider g = OAuthProvider.google(clientId, clientSecret);
 * OAuthProvider local = g.withEndpoints(URI.create("http://127.0.0.1:9000/default/authorize"), ...);
 * }</pre>
 *
 * <p>Immutable, so thread-safe. {@link #toString()} hides the secret.
 *
 * @param name         the name in URLs ({@code /auth/{name}/login}) and in internal user ids; {@code a-z0-9-}
 * @param clientId     the client id registered with the provider
 * @param clientSecret the client secret
 * @param authorizeUri where the browser is sent to sign in
 * @param tokenUri     where the code is exchanged for an access token
 * @param userInfoUri  where the user's id is read with that token
 * @param scopes       the scopes asked for
 * @param userIdField  the userinfo JSON field that identifies the user
 */
public record OAuthProvider(String name, String clientId, String clientSecret, URI authorizeUri, URI tokenUri,
                            URI userInfoUri, List<String> scopes, String userIdField) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /** Validates. */
    public OAuthProvider {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ServiceConfigException("OAuth provider name '" + name + "': use 1-32 characters a-z 0-9 -");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new ServiceConfigException("OAuth provider " + name + ": client_id is missing");
        }
        if (clientSecret == null) {
            clientSecret = "";
        }
        Objects.requireNonNull(authorizeUri, "authorizeUri");
        Objects.requireNonNull(tokenUri, "tokenUri");
        Objects.requireNonNull(userInfoUri, "userInfoUri");
        scopes = List.copyOf(scopes);
        if (userIdField == null || userIdField.isBlank()) {
            throw new ServiceConfigException("OAuth provider " + name + ": user_id_field is missing");
        }
    }

    /** Google: OpenID Connect endpoints, scopes {@code openid email}, user id {@code sub}. */
    public static OAuthProvider google(String clientId, String clientSecret) {
        return new OAuthProvider("google", clientId, clientSecret,
                URI.create("https://accounts.google.com/o/oauth2/v2/auth"),
                URI.create("https://oauth2.googleapis.com/token"),
                URI.create("https://openidconnect.googleapis.com/v1/userinfo"), List.of("openid", "email"), "sub");
    }

    /** GitHub: OAuth app endpoints, scope {@code read:user}, user id {@code id} (numeric, stable across renames). */
    public static OAuthProvider github(String clientId, String clientSecret) {
        return new OAuthProvider("github", clientId, clientSecret,
                URI.create("https://github.com/login/oauth/authorize"),
                URI.create("https://github.com/login/oauth/access_token"),
                URI.create("https://api.github.com/user"), List.of("read:user"), "id");
    }

    /** A copy with other endpoints. */
    public OAuthProvider withEndpoints(URI authorize, URI token, URI userInfo) {
        return new OAuthProvider(name, clientId, clientSecret, authorize, token, userInfo, scopes, userIdField);
    }

    /** A copy with another name (two tenants of one provider). */
    public OAuthProvider withName(String v) {
        return new OAuthProvider(v, clientId, clientSecret, authorizeUri, tokenUri, userInfoUri, scopes, userIdField);
    }

    /** A copy with other scopes. */
    public OAuthProvider withScopes(List<String> v) {
        return new OAuthProvider(name, clientId, clientSecret, authorizeUri, tokenUri, userInfoUri, v, userIdField);
    }

    /** A copy with another user id field. */
    public OAuthProvider withUserIdField(String v) {
        return new OAuthProvider(name, clientId, clientSecret, authorizeUri, tokenUri, userInfoUri, scopes, v);
    }

    @Override
    public String toString() {
        return "OAuthProvider[" + name + ", client " + clientId + ", " + authorizeUri + "]";
    }
}
