package io.stowage.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.service.internal.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code --oauth-config FILE}: the providers of the login, with their secrets (kept out of the command line).
 *
 * <pre>{@code
 * {"providers": [
 *   {"name": "google", "client_id": "123.apps.googleusercontent.com", "client_secret": "..."},
 *   {"name": "github", "client_id": "Iv1.abc", "client_secret": "..."},
 *   {"name": "corp", "client_id": "stowage", "client_secret": "...",
 *    "authorize_url": "https://id.corp/authorize", "token_url": "https://id.corp/token",
 *    "userinfo_url": "https://id.corp/userinfo", "scopes": ["openid"], "user_id_field": "sub"}
 * ]}
 * }</pre>
 *
 * <p>{@code google} and {@code github} need only the client; any endpoint given replaces the public one.
 * {@code List<OAuthProvider> p = OAuthConfigFile.read(Path.of("oauth.json"));} Stateless, so thread-safe.
 */
public final class OAuthConfigFile {
    private OAuthConfigFile() {
    }

    /**
     * The providers in {@code file}.
     *
     * @throws ServiceConfigException naming the file and the field that is wrong
     */
    public static List<OAuthProvider> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ServiceConfigException("--oauth-config " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        JsonNode list = root == null ? null : root.get("providers");
        if (list == null || !list.isArray()) {
            throw new ServiceConfigException("--oauth-config " + file + ": expected {\"providers\": [...]}");
        }
        List<OAuthProvider> out = new ArrayList<>();
        for (JsonNode p : list) {
            String name = text(p, "name");
            String id = text(p, "client_id");
            String secret = text(p, "client_secret");
            OAuthProvider base;
            if ("google".equals(name)) {
                base = OAuthProvider.google(id, secret);
            } else if ("github".equals(name)) {
                base = OAuthProvider.github(id, secret);
            } else {
                String a = text(p, "authorize_url");
                String t = text(p, "token_url");
                String u = text(p, "userinfo_url");
                if (a == null || t == null || u == null) {
                    throw new ServiceConfigException("--oauth-config " + file + ": provider " + name
                            + " needs authorize_url, token_url and userinfo_url (only google and github have defaults)");
                }
                base = new OAuthProvider(name, id, secret, URI.create(a), URI.create(t), URI.create(u),
                        List.of("openid"), "sub");
            }
            URI a = uri(p, "authorize_url", base.authorizeUri());
            URI t = uri(p, "token_url", base.tokenUri());
            URI u = uri(p, "userinfo_url", base.userInfoUri());
            base = base.withEndpoints(a, t, u);
            if (p.has("scopes")) {
                List<String> scopes = new ArrayList<>();
                p.get("scopes").forEach(s -> scopes.add(s.asText()));
                base = base.withScopes(scopes);
            }
            if (p.has("user_id_field")) {
                base = base.withUserIdField(text(p, "user_id_field"));
            }
            out.add(base);
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static URI uri(JsonNode n, String field, URI dflt) {
        String v = text(n, field);
        return v == null ? dflt : URI.create(v);
    }
}
