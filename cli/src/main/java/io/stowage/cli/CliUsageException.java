package io.stowage.cli;

/**
 * Bad usage found by the command line: a missing or contradicting option, a path that does not exist, a value out
 * of range (exit 2, from {@link ErrorTable}). Arguments picocli cannot parse are reported with this type too.
 *
 * <p>{@code throw new CliUsageException("--port 70000 is outside 0..65535");}
 *
 * <p>Immutable, so thread-safe.
 */
final class CliUsageException extends CliException {
    private static final long serialVersionUID = 1L;

    CliUsageException(String message) {
        super(message, null, false);
    }
}
