package io.stowage.service.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.ContentType;
import io.javalin.http.Context;

import java.io.IOException;

/**
 * The one Jackson mapper of the services: snake_case field names (DESIGN.md), nulls left out, unknown fields in
 * request bodies ignored. {@code Json.MAPPER.writeValueAsBytes(report)}. Thread-safe once built.
 */
public final class Json {
    /** The shared mapper; do not reconfigure it. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /**
     * Answers {@code body} as JSON, written straight to the response. Use it instead of {@code ctx.json} on hot
     * paths: {@code ctx.json} hands Javalin a string that it copies to the socket through a fresh 32 KiB buffer per
     * response, which was most of what GET /status allocated (JFR allocation samples under wrk; more young
     * collections, more pauses in the tail).
     */
    public static void write(Context ctx, Object body) throws IOException {
        byte[] b = MAPPER.writeValueAsBytes(body);
        ctx.contentType(ContentType.APPLICATION_JSON);
        ctx.outputStream().write(b);
    }
}
