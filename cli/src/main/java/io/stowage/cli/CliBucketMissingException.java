package io.stowage.cli;

/**
 * The bucket a command names does not exist at the endpoint (HEAD bucket answered 404; exit 1).
 *
 * <p>{@code throw new CliBucketMissingException("...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliBucketMissingException extends CliException {
    private static final long serialVersionUID = 1L;

    CliBucketMissingException(String message) {
        super(ExitCodes.FAILED, message, null, false);
    }

    CliBucketMissingException(String message, Throwable cause) {
        super(ExitCodes.FAILED, message, cause, false);
    }
}
