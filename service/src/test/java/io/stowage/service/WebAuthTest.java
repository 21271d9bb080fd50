package io.stowage.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** OAuth2 code + PKCE + state against a real local OAuth2 server (mock-oauth2-server), session cookie and CSRF. */
class WebAuthTest {
    @TempDir
    static Path dir;
    static final ObjectMapper JSON = new ObjectMapper();
    static MockOAuth2Server oauth;
    static ServiceServer server;
    static JwtTokens tokens;

    @BeforeAll
    static void start() {
        oauth = new MockOAuth2Server();
        oauth.start();
        tokens = JwtTokens.fromKeyFile(dir.resolve("jwt.json"), JwtSettings.defaults());
        OAuthProvider google = OAuthProvider.google("stowage-test", "secret").withEndpoints(
                URI.create(oauth.authorizationEndpointUrl("google").toString()),
                URI.create(oauth.tokenEndpointUrl("google").toString()),
                URI.create(oauth.userInfoUrl("google").toString()));
        OAuthProvider github = OAuthProvider.github("stowage-gh", "secret2").withEndpoints(
                URI.create(oauth.authorizationEndpointUrl("github").toString()),
                URI.create(oauth.tokenEndpointUrl("github").toString()),
                URI.create(oauth.userInfoUrl("github").toString())).withUserIdField("sub").withScopes(List.of("openid", "read:user"));
        ServiceServer.Builder b = ServiceServer.builder().port(0);
        server = b.build();
        // the public URL needs the port; a second build with the real port is simplest
        server.start();
        int port = server.port();
        server.close();
        WebAuth auth = WebAuth.create(tokens, List.of(google, github), URI.create("http://127.0.0.1:" + port));
        server = ServiceServer.builder().port(port).routes(auth::routes)
                .routes(r -> {
                    r.get("/me", ctx -> ctx.result(auth.user(ctx)));
                    r.post("/me", ctx -> ctx.result(auth.user(ctx)));
                }).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        oauth.shutdown();
    }

    static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static HttpResponse<String> get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> query(String url) {
        Map<String, String> m = new HashMap<>();
        for (String kv : URI.create(url).getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        return m;
    }

    /** Runs the login to the callback URL the provider sends the browser to. */
    static String toCallback(HttpClient c, String provider, String subject) throws Exception {
        if (subject != null) { // consumed by the token exchange; a flow that stops before it enqueues none
            oauth.enqueueCallback(new DefaultOAuth2TokenCallback(provider, subject));
        }
        HttpResponse<String> login = get(c, server.url() + "/auth/" + provider + "/login");
        assertThat(login.statusCode()).isEqualTo(302);
        String authorize = login.headers().firstValue("location").orElseThrow();
        HttpResponse<String> atProvider = get(c, authorize);
        assertThat(atProvider.statusCode()).as(atProvider.body()).isEqualTo(302);
        return atProvider.headers().firstValue("location").orElseThrow();
    }

    @Test
    void codeFlowWithPkceAndStateSignsInWithAStableInternalId() throws Exception {
        HttpClient c = browser();
        oauth.enqueueCallback(new DefaultOAuth2TokenCallback("google", "alice-sub"));
        HttpResponse<String> login = get(c, server.url() + "/auth/google/login");
        Map<String, String> q = query(login.headers().firstValue("location").orElseThrow());
        assertThat(q).containsEntry("code_challenge_method", "S256").containsEntry("client_id", "stowage-test")
                .containsEntry("redirect_uri", server.url() + "/auth/google/callback").containsKey("state");
        while (take() != null) {
            // drain what earlier tests left
        }
        String callback = get(c, login.headers().firstValue("location").orElseThrow())
                .headers().firstValue("location").orElseThrow();
        assertThat(query(callback).get("state")).isEqualTo(q.get("state"));
        HttpResponse<String> done = get(c, callback);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.headers().allValues("set-cookie")).anySatisfy(s -> assertThat(s)
                .startsWith(WebAuth.SESSION_COOKIE + "=").contains("HttpOnly", "SameSite=Strict"));
        assertThat(get(c, server.url() + "/me").body()).isEqualTo("google-alice-sub");

        // the token request carried the PKCE verifier of the challenge
        RecordedRequest tokenRequest = null;
        for (RecordedRequest r; (r = take()) != null; ) {
            if (r.getPath().contains("/token")) {
                tokenRequest = r;
            }
        }
        assertThat(tokenRequest).isNotNull();
        String verifier = null;
        for (String kv : tokenRequest.getBody().readUtf8().split("&")) {
            if (kv.startsWith("code_verifier=")) {
                verifier = URLDecoder.decode(kv.substring(14), StandardCharsets.UTF_8);
            }
        }
        assertThat(verifier).isNotNull();
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        assertThat(challenge).isEqualTo(q.get("code_challenge"));

        // same provider user again: same internal id
        HttpClient c2 = browser();
        get(c2, toCallback(c2, "google", "alice-sub"));
        assertThat(get(c2, server.url() + "/me").body()).isEqualTo("google-alice-sub");
    }

    static RecordedRequest take() {
        try {
            return oauth.takeRequest(50, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return null; // none left
        }
    }

    @Test
    void githubToo() throws Exception {
        HttpClient c = browser();
        assertThat(get(c, toCallback(c, "github", "12345")).statusCode()).isEqualTo(200);
        assertThat(get(c, server.url() + "/me").body()).isEqualTo("github-12345");
    }

    @Test
    void aChangedStateIsRefused() throws Exception {
        HttpClient c = browser();
        String callback = toCallback(c, "google", null);
        String forged = callback.replaceAll("state=[^&]+", "state=forged");
        HttpResponse<String> r = get(c, forged);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(get(c, server.url() + "/me").statusCode()).isEqualTo(401);
    }

    @Test
    void aCallbackInAnotherBrowserIsRefused() throws Exception {
        String callback = toCallback(browser(), "google", null);
        HttpClient attacker = browser();
        assertThat(get(attacker, callback).statusCode()).isEqualTo(401);
    }

    @Test
    void cookieSessionNeedsTheCsrfTokenOnPostButBearerDoesNot() throws Exception {
        HttpClient c = browser();
        get(c, toCallback(c, "google", "carol"));
        HttpResponse<String> noCsrf = c.send(HttpRequest.newBuilder(URI.create(server.url() + "/me"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        JsonNode t = JSON.readTree(get(c, server.url() + "/get-token").body());
        HttpResponse<String> wrong = c.send(HttpRequest.newBuilder(URI.create(server.url() + "/me"))
                .header(WebAuth.CSRF_HEADER, "nope").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> ok = c.send(HttpRequest.newBuilder(URI.create(server.url() + "/me"))
                .header(WebAuth.CSRF_HEADER, t.get("csrf_token").asText()).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("google-carol");
        HttpResponse<String> bearer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/me")).header("Authorization", "Bearer " + tokens.create("dave",
                java.time.Duration.ofMinutes(1))).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.body()).isEqualTo("dave");
    }

    @Test
    void localSignInIsOffOnceProvidersAreConfigured() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/auth/local")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=eve")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode p = JSON.readTree(get(browser(), server.url() + "/auth/providers").body());
        assertThat(p.get("providers").toString()).isEqualTo("[\"github\",\"google\"]");
        assertThat(p.get("local").asBoolean()).isFalse();
    }

    @Test
    void localSignInForLoopbackOnlyWhenNoProvider() throws Exception {
        WebAuth local = WebAuth.create(tokens, List.of(), URI.create("http://127.0.0.1"));
        try (ServiceServer s = ServiceServer.builder().port(0).routes(local::routes)
                .routes(r -> r.get("/me", ctx -> ctx.result(local.user(ctx)))).start()) {
            HttpClient c = browser();
            HttpResponse<String> in = c.send(HttpRequest.newBuilder(URI.create(s.url() + "/auth/local"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("user=frank")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(in.statusCode()).as(in.body()).isEqualTo(200);
            assertThat(get(c, s.url() + "/me").body()).isEqualTo("local-frank");
            HttpResponse<String> proxied = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s.url() + "/auth/local")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Forwarded-For", "203.0.113.9")
                    .POST(HttpRequest.BodyPublishers.ofString("user=frank")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(proxied.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void internalIdsOfOddProviderIdsAreStableHashes() {
        assertThat(WebAuth.internalUser("google", "a b/c")).isEqualTo(WebAuth.internalUser("google", "a b/c"))
                .startsWith("google-h").matches("[A-Za-z0-9._@-]+");
        assertThat(WebAuth.internalUser("google", "a b/c")).isNotEqualTo(WebAuth.internalUser("google", "a b/d"));
    }
}
