package io.stowage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintWriter;

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

    /** {@code {"error": {"type": ..., "message": ...}}}: what {@code --json} prints on stdout for a failure. */
    static void printJsonError(PrintWriter out, String type, String message) {
        printJson(out, new ErrorDocument(new ErrorBody(type, message)));
    }

    /** The error document. */
    record ErrorDocument(ErrorBody error) {
    }

    /** The error: {@code type} is the exception's simple name (see {@link ErrorTable}). */
    record ErrorBody(String type, String message) {
    }
}
