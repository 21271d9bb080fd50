package io.stowage.service.des;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.stowage.des.ingest.DesNameService;
import io.stowage.service.ServiceUnprocessableException;
import io.stowage.service.internal.Json;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DES endpoints served through Javalin: {@code POST /assign} and {@code GET /health} ({@code GET|HEAD /files/{name}}
 * is {@link DesFilesHandler}, ahead of Javalin). Stateless.
 */
final class DesRoutes {
    private final DesNameService names;

    DesRoutes(DesNameService names) {
        this.names = names;
    }

    void main(RoutesConfig r) {
        r.post("/assign", this::assign);
        r.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
    }

    private void assign(Context ctx) throws IOException {
        JsonNode body;
        try {
            String text = ctx.body();
            body = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ServiceUnprocessableException("body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject()) {
            throw new ServiceUnprocessableException("body must be a JSON object {\"prefix\": \"DES\", \"meta_hint\": "
                    + "{...}|null}");
        }
        JsonNode p = body.get("prefix");
        String prefix;
        if (p == null || p.isNull()) {
            prefix = "DES";
        } else if (p.isTextual()) {
            prefix = p.asText();
        } else {
            throw new ServiceUnprocessableException("prefix must be a string, not " + p.getNodeType());
        }
        JsonNode hint = body.get("meta_hint");
        Map<String, Object> metaHint = null;
        if (hint != null && !hint.isNull()) {
            if (!hint.isObject()) {
                throw new ServiceUnprocessableException("meta_hint must be an object or null, not "
                        + hint.getNodeType());
            }
            metaHint = Json.MAPPER.convertValue(hint, Map.class);
        }
        DesNameService.Assignment a = names.assign(prefix, metaHint);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", a.name());
        out.put("shard_id", a.shardId());
        out.put("day", a.day().toString());
        Json.write(ctx, out);
    }
}
