package io.stowage.cli;

import picocli.CommandLine;

/** Entry point of the {@code stowage} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests, which must not call {@code System.exit}). */
    public static int run(String... args) {
        return Cli.commandLine(args).execute(args);
    }
}
