package io.stowage.cli;

/**
 * Root of the failures the command line itself detects (the libraries' exceptions reach {@link ErrorTable} as they
 * are). Its {@code error.type} is the simple name of the class, or, for a library exception the CLI re-words (a
 * better message for the command line, e.g. naming the input paths behind a refused DES name), the simple name of
 * that exception ({@link #reported()}).
 *
 * <p>{@code throw CliException.usage("--bits " + bits + " must be between 1 and 256");}
 *
 * <p>Immutable, so thread-safe.
 */
class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private final boolean reportsCause;

    CliException(int exitCode, String message, Throwable cause, boolean reportsCause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.reportsCause = reportsCause && cause != null;
    }

    /** Bad usage found by the CLI (exit 2, {@code CliUsageException}). */
    static CliException usage(String message) {
        return new CliUsageException(message);
    }

    /** A library failure {@code cause} re-worded as bad usage: exit 2, {@code error.type} the cause's simple name. */
    static CliException usage(String message, Throwable cause) {
        return new CliException(ExitCodes.USAGE, message, cause, true);
    }

    /** A library failure {@code cause} re-worded: exit 1, {@code error.type} the cause's simple name. */
    static CliException failed(String message, Throwable cause) {
        return new CliException(ExitCodes.FAILED, message, cause, true);
    }

    int exitCode() {
        return exitCode;
    }

    /** The exception whose simple name is the {@code error.type}: this one, or the re-worded library failure. */
    Throwable reported() {
        return reportsCause ? getCause() : this;
    }
}
