package io.stowage.cli;

/**
 * The S3 endpoint cannot be reached, or answered the bucket check with an error other than 404 or 403 (exit 1).
 *
 * <p>{@code throw new CliS3UnreachableException("...; check --endpoint");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliS3UnreachableException extends CliException {
    private static final long serialVersionUID = 1L;

    CliS3UnreachableException(String message) {
        super(ExitCodes.FAILED, message, null, false);
    }

    CliS3UnreachableException(String message, Throwable cause) {
        super(ExitCodes.FAILED, message, cause, false);
    }
}
