package io.stowage.cli;

/**
 * Exit codes of the command-line contract (DESIGN.md); {@link ErrorTable} chooses the code of a failure. A JVM
 * stopped by SIGINT or SIGTERM after its clean stop exits with 130 or 143.
 */
final class ExitCodes {
    static final int OK = 0;
    /** I/O or network failure, corrupt input, missing entry, problems found by a check. */
    static final int FAILED = 1;
    /** Bad usage: arguments, options, configuration. */
    static final int USAGE = 2;
    /** A batch finished with some items failed or missing. */
    static final int PARTIAL = 3;

    private ExitCodes() {}
}
