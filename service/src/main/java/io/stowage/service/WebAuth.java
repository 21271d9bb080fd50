package io.stowage.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.stowage.service.internal.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who is calling: a bearer JWT ({@code Authorization: Bearer}, for scripts and the API) or the browser session cookie
 * ({@code stowage_session}: HttpOnly, SameSite=Strict; POST and DELETE also need {@code X-CSRF-Token} equal to the
 * session's CSRF token). Signs browsers in with OAuth2 authorization code + PKCE (S256) + {@code state} at the
 * configured providers; the callback maps the provider's user to a stable internal id ({@code google-1234...}) and
 * sets the session. With no provider configured, {@code POST /auth/local} signs in loopback clients only (never a
 * proxied request), with a warning in the log.
 *
 * <p>Routes: {@code GET /auth/providers}, {@code GET /auth/{provider}/login}, {@code GET /auth/{provider}/callback},
 * {@code POST /auth/local}, {@code POST /auth/logout}, {@code GET /get-token}.
 *
 * <pre>{@code
 * WebAuth auth = WebAuth.create(tokens, providers, URI.create("https://transcode.example.com"));
 * ServiceServer.builder().routes(auth::routes).routes(r -> r.get("/me", ctx -> ctx.result(auth.user(ctx))));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class WebAuth {
    private static final Logger LOG = LoggerFactory.getLogger(WebAuth.class);
    /** The session cookie's name. */
    public static final String SESSION_COOKIE = "stowage_session";
    /** The pending login cookie's name (path /auth). */
    public static final String LOGIN_COOKIE = "stowage_login";
    /** The header that carries the CSRF token on POST and DELETE with a session cookie. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._@-]{1,96}");
    private static final Pattern LOCAL_USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JwtTokens tokens;
    private final Map<String, OAuthProvider> providers;
    private final java.util.function.Supplier<URI> publicUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private WebAuth(JwtTokens tokens, List<OAuthProvider> providers, java.util.function.Supplier<URI> publicUrl) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        Map<String, OAuthProvider> m = new LinkedHashMap<>();
        for (OAuthProvider p : providers) {
            if (m.put(p.name(), p) != null) {
                throw new ServiceConfigException("OAuth provider " + p.name() + " is configured twice");
            }
        }
        this.providers = Map.copyOf(m);
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        if (providers.isEmpty()) {
            LOG.warn("no OAuth provider configured (--oauth-config): the page offers local sign-in to loopback "
                    + "clients only; configure Google or GitHub before exposing this service");
        }
    }

    /** Authentication with these providers; {@code publicUrl} is where browsers reach the service. */
    public static WebAuth create(JwtTokens tokens, List<OAuthProvider> providers, URI publicUrl) {
        Objects.requireNonNull(publicUrl, "publicUrl");
        return new WebAuth(tokens, providers, () -> publicUrl);
    }

    /**
     * The same with the public address known only once the server is bound (port 0): {@code publicUrl} is read
     * at each sign-in.
     */
    public static WebAuth create(JwtTokens tokens, List<OAuthProvider> providers,
                                 java.util.function.Supplier<URI> publicUrl) {
        return new WebAuth(tokens, providers, publicUrl);
    }

    private String base() {
        String u = publicUrl.get().toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** Whether local sign-in is offered (no provider configured). */
    public boolean localSignIn() {
        return providers.isEmpty();
    }

    /** The sign-in routes. */
    public void routes(RoutesConfig r) {
        r.get("/auth/providers", ctx -> ctx.json(new Providers(List.copyOf(providers.keySet().stream().sorted()
                .toList()), localSignIn())));
        r.get("/auth/{provider}/login", this::login);
        r.get("/auth/{provider}/callback", this::callback);
        r.post("/auth/local", this::local);
        r.post("/auth/logout", ctx -> {
            setCookie(ctx, SESSION_COOKIE, "", "/", 0, "Strict");
            ctx.status(204);
        });
        r.get("/get-token", ctx -> {
            String cookie = ctx.cookie(SESSION_COOKIE);
            if (cookie == null) {
                throw new ServiceUnauthorizedException("not signed in: sign in on the page first");
            }
            TokenClaims c = tokens.verify(cookie);
            ctx.header("Cache-Control", "no-store").json(new SessionToken(cookie, c.csrf(), c.user(),
                    c.expiresAt().toString()));
        });
    }

    /**
     * The calling user: from a bearer token, or from the session cookie (POST, PUT, PATCH and DELETE then need the
     * CSRF header).
     *
     * @throws ServiceUnauthorizedException no or a bad token (401)
     * @throws ServiceForbiddenException     a cookie session without the right CSRF token on a state change (403)
     */
    public String user(Context ctx) {
        String auth = ctx.header("Authorization");
        if (auth != null) {
            if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ServiceUnauthorizedException("Authorization must be 'Bearer <jwt>'");
            }
            return tokens.verify(auth.substring(7)).user();
        }
        String cookie = ctx.cookie(SESSION_COOKIE);
        if (cookie == null) {
            throw new ServiceUnauthorizedException("no token: send Authorization: Bearer <jwt> (stowage token create)"
                    + " or sign in on the page");
        }
        TokenClaims c = tokens.verify(cookie);
        HandlerType m = ctx.method();
        if (m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH || m == HandlerType.DELETE) {
            String sent = ctx.header(CSRF_HEADER);
            if (c.csrf() == null || sent == null || !MessageDigest.isEqual(c.csrf().getBytes(StandardCharsets.UTF_8),
                    sent.getBytes(StandardCharsets.UTF_8))) {
                throw new ServiceForbiddenException("missing or wrong " + CSRF_HEADER + " header: a signed-in page "
                        + "sends the csrf_token of GET /get-token with every POST and DELETE");
            }
        }
        return c.user();
    }

    private OAuthProvider provider(Context ctx) {
        OAuthProvider p = providers.get(ctx.pathParam("provider"));
        if (p == null) {
            throw new ServiceNotFoundException("no OAuth provider '" + ctx.pathParam("provider") + "'; configured: "
                    + providers.keySet());
        }
        return p;
    }

    private String redirectUri(OAuthProvider p) {
        return base() + "/auth/" + p.name() + "/callback";
    }

    private void login(Context ctx) {
        OAuthProvider p = provider(ctx);
        String state = random(24);
        String verifier = random(48);
        String challenge = b64(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
        setCookie(ctx, LOGIN_COOKIE, tokens.signLogin(new JwtTokens.LoginState(p.name(), state, verifier)), "/auth",
                600, "Lax"); // Lax: the provider's redirect back is a cross-site navigation
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", p.clientId());
        q.put("redirect_uri", redirectUri(p));
        q.put("scope", String.join(" ", p.scopes()));
        q.put("state", state);
        q.put("code_challenge", challenge);
        q.put("code_challenge_method", "S256");
        String sep = p.authorizeUri().getRawQuery() == null ? "?" : "&";
        ctx.redirect(p.authorizeUri() + sep + form(q));
    }

    private void callback(Context ctx) throws IOException, InterruptedException {
        OAuthProvider p = provider(ctx);
        String error = ctx.queryParam("error");
        if (error != null) {
            throw new ServiceUnauthorizedException("sign-in at " + p.name() + " failed: " + error);
        }
        JwtTokens.LoginState login = tokens.verifyLogin(ctx.cookie(LOGIN_COOKIE));
        String state = ctx.queryParam("state");
        if (!login.provider().equals(p.name()) || state == null || !MessageDigest.isEqual(
                state.getBytes(StandardCharsets.UTF_8), login.state().getBytes(StandardCharsets.UTF_8))) {
            throw new ServiceUnauthorizedException("sign-in refused: state does not match the one this browser "
                    + "started with; start again from the page");
        }
        String code = ctx.queryParam("code");
        if (code == null || code.isBlank()) {
            throw new ServiceBadRequestException("sign-in callback without a code");
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri(p));
        body.put("client_id", p.clientId());
        if (!p.clientSecret().isEmpty()) {
            body.put("client_secret", p.clientSecret());
        }
        body.put("code_verifier", login.verifier());
        HttpResponse<String> tr = http.send(HttpRequest.newBuilder(p.tokenUri()).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(body))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode tj = parse(tr, p, "token");
        String access = tj.path("access_token").asText(null);
        if (access == null) {
            throw new ServiceUnauthorizedException("sign-in at " + p.name() + " failed: token endpoint answered "
                    + "without access_token (" + tj.path("error").asText("no error given") + ")");
        }
        HttpResponse<String> ur = http.send(HttpRequest.newBuilder(p.userInfoUri()).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + access).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode uj = parse(ur, p, "userinfo");
        JsonNode idNode = uj.get(p.userIdField());
        if (idNode == null || idNode.isNull() || idNode.asText().isEmpty()) {
            throw new ServiceUnauthorizedException("sign-in at " + p.name() + " failed: userinfo has no "
                    + p.userIdField());
        }
        String user = internalUser(p.name(), idNode.asText());
        setCookie(ctx, LOGIN_COOKIE, "", "/auth", 0, "Lax");
        setCookie(ctx, SESSION_COOKIE, tokens.createSession(user), "/", (int) tokens.settings().ttl().toSeconds(),
                "Strict");
        LOG.info("signed in {} through {}", user, p.name());
        // A page, not a redirect: a Strict cookie is not sent on a redirect chain that began at another site.
        ctx.contentType("text/html; charset=utf-8").result("<!doctype html><meta charset=utf-8>"
                + "<meta http-equiv=refresh content=\"0;url=/\"><title>Signed in</title>"
                + "<p>Signed in. <a href=\"/\">Continue</a></p>");
    }

    private static JsonNode parse(HttpResponse<String> r, OAuthProvider p, String what) {
        try {
            JsonNode n = Json.MAPPER.readTree(r.body());
            if (r.statusCode() / 100 != 2 || n == null) {
                throw new ServiceUnauthorizedException("sign-in at " + p.name() + " failed: " + what + " endpoint "
                        + "answered " + r.statusCode() + " " + (n == null ? "" : n.path("error").asText("")));
            }
            return n;
        } catch (IOException e) {
            throw new ServiceUnauthorizedException("sign-in at " + p.name() + " failed: " + what + " endpoint "
                    + "answered " + r.statusCode() + " with no JSON");
        }
    }

    /** {@code google-1234} for a plain id; a hash for ids with other characters, stable all the same. */
    static String internalUser(String provider, String id) {
        if (PLAIN_ID.matcher(id).matches()) {
            return provider + "-" + id;
        }
        return provider + "-h" + HexFormat.of().formatHex(sha256(id.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    private void local(Context ctx) throws IOException {
        if (!localSignIn()) {
            throw new ServiceNotFoundException("local sign-in is off: OAuth providers are configured");
        }
        InetAddress remote = InetAddress.getByName(ctx.req().getRemoteAddr());
        if (!remote.isLoopbackAddress() || ctx.header("X-Forwarded-For") != null || ctx.header("Forwarded") != null) {
            throw new ServiceForbiddenException("local sign-in is for loopback clients only (this request came from "
                    + ctx.req().getRemoteAddr() + "); configure OAuth with --oauth-config");
        }
        String name = ctx.formParam("user");
        if (name == null && ctx.contentType() != null && ctx.contentType().startsWith("application/json")) {
            name = Json.MAPPER.readTree(ctx.bodyInputStream()).path("user").asText(null);
        }
        if (name == null || !LOCAL_USER.matcher(name).matches()) {
            throw new ServiceBadRequestException("user '" + name + "': give 1-64 characters A-Z a-z 0-9 . _ @ -");
        }
        String user = "local-" + name;
        String session = tokens.createSession(user);
        setCookie(ctx, SESSION_COOKIE, session, "/", (int) tokens.settings().ttl().toSeconds(), "Strict");
        LOG.warn("local sign-in of {} from {}", user, ctx.req().getRemoteAddr());
        TokenClaims c = tokens.verify(session);
        ctx.json(new SessionToken(session, c.csrf(), user, c.expiresAt().toString()));
    }

    private void setCookie(Context ctx, String name, String value, String path, int maxAge, String sameSite) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge
                + "; HttpOnly; SameSite=" + sameSite + (base().startsWith("https:") ? "; Secure" : ""));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b64(b);
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> m) {
        return m.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** {@code GET /auth/providers}. @param providers names for /auth/{name}/login @param local local sign-in offered */
    public record Providers(List<String> providers, boolean local) {
    }

    /** {@code GET /get-token} and {@code POST /auth/local}. @param token the session JWT (also a bearer token)
     *  @param csrfToken send as X-CSRF-Token @param user internal user id @param expiresAt ISO-8601 */
    public record SessionToken(String token, String csrfToken, String user, String expiresAt) {
    }
}
