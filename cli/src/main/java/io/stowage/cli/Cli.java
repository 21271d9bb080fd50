package io.stowage.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Builds the picocli command line with the error contract of DESIGN.md (exit codes, JSON errors). */
final class Cli {
    private Cli() {}

    /** The whole command tree. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command tree for running {@code args}: when the first argument names a subcommand, only that one is
     * registered (start-up time), otherwise all of them (top-level help, errors, {@code help CMD}).
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new StowageCommand());
        Class<?> only = null;
        if (args.length > 0) {
            for (Class<?> c : StowageCommand.SUBCOMMANDS) {
                if (c != CommandLine.HelpCommand.class
                        && c.getAnnotation(CommandLine.Command.class).name().equals(args[0])) {
                    only = c;
                }
            }
        }
        for (Class<?> c : StowageCommand.SUBCOMMANDS) {
            if (only == null || c == only) {
                cl.addSubcommand(c);
            }
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Cli::handleExecutionException);
        cl.setParameterExceptionHandler(Cli::handleParameterException);
        return cl;
    }

    private static boolean jsonRequested(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult sub = parseResult;
        while (sub != null) {
            if (sub.hasMatchedOption("--json")) {
                return true;
            }
            sub = sub.subcommand();
        }
        return false;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage());
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            }
        }
        if (json) {
            Output.printJsonError(cmd.getOut(), "UsageError", ex.getMessage());
        } else {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
        }
        return ExitCodes.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        boolean json = jsonRequested(parseResult.commandSpec().commandLine().getParseResult());
        int code = ExitCodes.of(ex);
        String type = ex instanceof CliException ce ? ce.type() : ex.getClass().getSimpleName();
        String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        cmd.getErr().println("error: " + message);
        if (System.getenv("STOWAGE_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        if (json) {
            Output.printJsonError(cmd.getOut(), type, message);
        }
        cmd.getErr().flush();
        cmd.getOut().flush();
        return code;
    }
}
