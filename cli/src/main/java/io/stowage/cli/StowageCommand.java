package io.stowage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code stowage} command. Subcommands register in {@link #SUBCOMMANDS}, one line each. */
@Command(
        name = "stowage",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Move media and masses of small files through S3.",
            "",
            "Every command prints human text by default and one JSON document with --json.",
            "Exit codes: 0 success, 1 failed, 2 bad usage, 3 batch finished with some items failed."
        },
        footer = {"", "Examples:", "  stowage demo", "  stowage des ls day.des --json", "  stowage <command> --help"})
final class StowageCommand implements Runnable {
    /**
     * The subcommands, in the order {@code --help} lists them. Registered by {@link Cli#commandLine(String...)}: all
     * of them, or only the one being run (building picocli's model of every command costs a few hundred
     * milliseconds at start-up).
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            CommandLine.HelpCommand.class,
            UploadCommand.class,
            SyncCommand.class,
            DownloadCommand.class,
            S3Command.class,
            DemoCommand.class,
            DesCommand.class,
            EsCommand.class,
            TsCommand.class,
            TranscodeCommand.class,
            ArchiveCommand.class,
            ProbeCommand.class,
            PresetsCommand.class,
            WorkerCommand.class,
            JobsCommand.class,
            ServeCommand.class,
            TokenCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
