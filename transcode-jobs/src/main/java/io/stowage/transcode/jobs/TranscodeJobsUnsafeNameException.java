package io.stowage.transcode.jobs;

/**
 * A submitted file name leaves nothing usable once reduced to a safe file name (empty, only dots or separators,
 * control characters, over 255 bytes). Names with folders are not refused: {@code ../../x.mp4} becomes
 * {@code x.mp4}. Nothing was stored or queued.
 *
 * <p>{@code catch (TranscodeJobsUnsafeNameException e) { respond(400, e.name() + ": " + e.reason()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsUnsafeNameException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final String reason;

    public TranscodeJobsUnsafeNameException(String name, String reason) {
        super("file name '" + printable(name) + "' cannot be used: " + reason
                + "; give the file a plain name such as video.mp4");
        this.name = name;
        this.reason = reason;
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** The name as given (may contain control characters). */
    public String name() {
        return name;
    }

    /** Why it cannot be used. */
    public String reason() {
        return reason;
    }
}
