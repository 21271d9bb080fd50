package io.stowage.transcode.jobs;

/**
 * A configuration value the service cannot use (a negative duration, a refresh interval not well within the claim
 * idle timeout, a malformed SMTP URI...).
 *
 * <p>{@code catch (TranscodeJobsInvalidConfigException e) { System.err.println(e.option() + ": " + e.getMessage()); }}
 *
 * <p>Immutable, so thread-safe.
 */
public final class TranscodeJobsInvalidConfigException extends TranscodeJobsException {
    private static final long serialVersionUID = 1L;
    private final String option;
    private final String value;

    public TranscodeJobsInvalidConfigException(String option, Object value, String problem) {
        super(option + " " + value + ": " + problem);
        this.option = option;
        this.value = String.valueOf(value);
    }

    /** The option's name, e.g. {@code "claimIdleTimeout"}. */
    public String option() {
        return option;
    }

    /** The value given, as text. */
    public String value() {
        return value;
    }
}
