package io.stowage.archiver;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.nio.file.Path;

/**
 * An action that could not be done; its file was left where it was.
 *
 * <p>{@code report.failures().forEach(f -> System.err.println(f.path() + ": " + f.reason()));}
 *
 * @param action the action that failed
 * @param path its file
 * @param reason what went wrong and what to do
 *
 * <p>Immutable, so thread-safe.
 */
public record ArchiveFailure(ArchiveActionType action, @JsonSerialize(using = ToStringSerializer.class) Path path,
        String reason) {
}
