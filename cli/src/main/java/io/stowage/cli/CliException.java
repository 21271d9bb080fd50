package io.stowage.cli;

/** A failure a command reports with a chosen exit code and error type. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;
    private final String type;

    CliException(int exitCode, String type, String message) {
        super(message);
        this.exitCode = exitCode;
        this.type = type;
    }

    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, "UsageError", message);
    }

    static CliException failed(String type, String message) {
        return new CliException(ExitCodes.FAILED, type, message);
    }

    int exitCode() {
        return exitCode;
    }

    String type() {
        return type;
    }
}
