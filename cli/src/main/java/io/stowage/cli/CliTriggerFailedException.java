package io.stowage.cli;

/**
 * {@code stowage sync trigger}: the receiver did not accept the session summary (exit 1).
 *
 * <p>{@code throw new CliTriggerFailedException("...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliTriggerFailedException extends CliException {
    private static final long serialVersionUID = 1L;

    CliTriggerFailedException(String message) {
        super(ExitCodes.FAILED, message, null, false);
    }

    CliTriggerFailedException(String message, Throwable cause) {
        super(ExitCodes.FAILED, message, cause, false);
    }
}
