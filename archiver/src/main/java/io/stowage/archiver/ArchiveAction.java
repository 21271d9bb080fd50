package io.stowage.archiver;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One step of an {@link ArchivePlan}: transcode X to Y, trash X, delete Y, or skip Z with its reason. Serialises to
 * JSON as {@code action, path, target, reason, bytes}.
 *
 * <p>{@code plan.actions().filter(a -> a.action() == ArchiveActionType.SKIP).forEach(a -> log.info(a.reason()));}
 *
 * @param action what to do
 * @param path the file acted on
 * @param target where it goes (transcode output, trash path), or {@code null}
 * @param reason why, in words
 * @param bytes the file's size when planned
 * @param recordedAt the recording's time from its name ({@code null} for unrecognised names)
 * @param modified the file's modification time when planned (re-checked before acting)
 * @param verifiedBy for a source's removal: the output that must be verified first; {@code null} otherwise
 *
 * <p>Immutable, so thread-safe.
 */
@JsonPropertyOrder({"action", "path", "target", "reason", "bytes"})
public record ArchiveAction(ArchiveActionType action, @JsonSerialize(using = ToStringSerializer.class) Path path,
        @JsonSerialize(using = ToStringSerializer.class) Path target, String reason, long bytes,
        @JsonIgnore Instant recordedAt, @JsonIgnore Instant modified, @JsonIgnore Path verifiedBy) {

    public ArchiveAction {
        java.util.Objects.requireNonNull(action, "action");
        java.util.Objects.requireNonNull(path, "path");
    }

    /** One line for people: {@code transcode a.mp4 -> b.mp4 (reason)}. */
    public String describe() {
        return action.label() + " " + path + (target == null ? "" : " -> " + target)
                + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
