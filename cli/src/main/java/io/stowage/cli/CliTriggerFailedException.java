package io.stowage.cli;

/**
 * {@code stowage sync trigger}: the receiver did not accept the session summary (exit 1).
 *
 * <p>{@code throw new CliTriggerFailedException(o.url(), o.httpStatus(), "the receiver did not accept ...");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliTriggerFailedException extends CliException {
    private static final long serialVersionUID = 1L;
    private final String url;
    private final Integer httpStatus;

    /**
     * @param url        where the summary was sent
     * @param httpStatus the receiver's last HTTP status, or null when no answer came
     * @param message    what happened
     */
    CliTriggerFailedException(String url, Integer httpStatus, String message) {
        super(message, null, false);
        this.url = url;
        this.httpStatus = httpStatus;
    }

    /** Where the summary was sent. */
    String url() {
        return url;
    }

    /** The receiver's last HTTP status, or null when no answer came. */
    Integer httpStatus() {
        return httpStatus;
    }
}
