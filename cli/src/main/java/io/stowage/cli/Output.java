package io.stowage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON output shared by every command: snake_case, one document on stdout. */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Output() {}

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON output: " + e.getMessage(), e);
        }
    }

    static void printJsonError(PrintWriter out, String type, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type);
        error.put("message", message);
        printJson(out, Map.of("error", error));
    }
}
