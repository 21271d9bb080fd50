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
     * registered (start-up time), otherwise all of them (top-level help, errors, {@code help CMD}); the same one
     * level down for commands that list their subcommands for it ({@link #NESTED}).
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new StowageCommand());
        register(cl, StowageCommand.SUBCOMMANDS, args, 0);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Cli::handleExecutionException);
        cl.setParameterExceptionHandler(Cli::handleParameterException);
        // DESIGN.md: every flag also reads STOWAGE_<FLAG>; picocli hands the provider to the whole tree
        cl.setDefaultValueProvider(new ArchiveCommand.EnvDefaults());
        CommandSummaries.install(cl);
        return cl;
    }

    /** Commands whose subcommands {@link #register} adds (the others declare theirs in their annotation). */
    private static final java.util.Map<Class<?>, java.util.List<Class<?>>> NESTED =
            java.util.Map.of(DesCommand.class, DesCommand.SUBCOMMANDS);

    /** Adds {@code subs} to {@code parent}: only the one {@code args[at]} names, or all when it names none. */
    private static void register(CommandLine parent, java.util.List<Class<?>> subs, String[] args, int at) {
        Class<?> only = null;
        if (args.length > at) {
            for (Class<?> c : subs) {
                if (c != CommandLine.HelpCommand.class
                        && c.getAnnotation(CommandLine.Command.class).name().equals(args[at])) {
                    only = c;
                }
            }
        }
        for (Class<?> c : subs) {
            if (only == null || c == only) {
                parent.addSubcommand(c);
                java.util.List<Class<?>> nested = NESTED.get(c);
                if (nested != null) {
                    String name = c.getAnnotation(CommandLine.Command.class).name();
                    register(parent.getSubcommands().get(name), nested, args, at + 1);
                }
            }
        }
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
        ErrorTable.Verdict v = ErrorTable.usage(ex.getMessage());
        err.println("error: " + v.message());
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) {
                json = true;
            }
        }
        if (json) {
            Output.printJsonError(cmd.getOut(), v.type(), v.message());
        } else {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
        }
        return v.exitCode();
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        boolean json = jsonRequested(parseResult.commandSpec().commandLine().getParseResult());
        ErrorTable.Verdict v = ErrorTable.of(ex);
        cmd.getErr().println("error: " + v.message());
        if (System.getenv("STOWAGE_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
        }
        if (json) {
            Output.printJsonError(cmd.getOut(), v.type(), v.message());
        }
        cmd.getErr().flush();
        cmd.getOut().flush();
        return v.exitCode();
    }
}
