package io.stowage.cli;

import picocli.CommandLine.Option;

/**
 * {@code --state} of the long-running DES commands that also run under the existing workers' variables
 * ({@code des marker}, {@code serve des}): the metadata database, falling back to {@code DES_DB_URL}. A picocli
 * mixin:
 *
 * <pre>{@code
 * @CommandLine.Mixin
 * DesStateOption state;
 * ...
 * IngestDatabase db = IngestDatabase.open(state.url());   // usage error when neither is given
 * }</pre>
 *
 * <p>Not thread-safe: filled by picocli, then read by the command's thread.
 */
final class DesStateOption {
    @Option(names = "--state", paramLabel = "URL", description = "Metadata database: jdbc:postgresql://HOST:PORT/DB"
            + "?user=NAME, postgresql://USER@HOST/DB, jdbc:sqlite:PATH or a file path (default: $DES_DB_URL).")
    String state;

    /**
     * {@code --state}, else {@code DES_DB_URL}.
     *
     * @throws CliException a usage error when neither is given
     */
    String url() {
        String url = state != null && !state.isBlank() ? state : System.getenv("DES_DB_URL");
        if (url == null || url.isBlank()) {
            throw CliException.usage("no metadata database: give --state URL (or set DES_DB_URL)");
        }
        return url.strip();
    }
}
