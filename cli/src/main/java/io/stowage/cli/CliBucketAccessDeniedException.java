package io.stowage.cli;

/**
 * The credentials may not access the bucket a command names (HEAD bucket answered 403; exit 1).
 *
 * <p>{@code throw new CliBucketAccessDeniedException("...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliBucketAccessDeniedException extends CliException {
    private static final long serialVersionUID = 1L;

    CliBucketAccessDeniedException(String message) {
        super(ExitCodes.FAILED, message, null, false);
    }

    CliBucketAccessDeniedException(String message, Throwable cause) {
        super(ExitCodes.FAILED, message, cause, false);
    }
}
