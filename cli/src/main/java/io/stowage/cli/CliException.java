package io.stowage.cli;

/**
 * Root of the failures the command line itself detects (the libraries' exceptions reach {@link ErrorTable} as they
 * are). Its {@code error.type} is the simple name of the class, or, for a library exception the CLI re-words (a
 * better message for the command line, e.g. naming the input paths behind a refused DES name), the simple name of
 * that exception ({@link #reported()}). The exit code is never decided here: {@link ErrorTable} looks it up for
 * {@link #reported()}, like for any other exception.
 *
 * <p>{@code throw CliException.usage("--bits " + bits + " must be between 1 and 256");}
 *
 * <p>Immutable, so thread-safe.
 */
class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean reportsCause;

    CliException(String message, Throwable cause, boolean reportsCause) {
        super(message, cause);
        this.reportsCause = reportsCause && cause != null;
    }

    /** Bad usage found by the CLI ({@code CliUsageException}, exit 2). */
    static CliException usage(String message) {
        return new CliUsageException(message);
    }

    /**
     * A library failure {@code cause} with a better message for the command line: {@code error.type} and the exit
     * code are those {@link ErrorTable} gives {@code cause}.
     */
    static CliException reworded(String message, Throwable cause) {
        return new CliException(message, cause, true);
    }

    /** The exception whose simple name is the {@code error.type}: this one, or the re-worded library failure. */
    Throwable reported() {
        return reportsCause ? getCause() : this;
    }
}
