package io.stowage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code stowage serve transcode} (and {@code serve des}): the HTTP services, in the foreground. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run an HTTP service in the foreground: transcode (API, web page, workers), des (names, files).",
        subcommands = {ServeTranscodeCommand.class, ServeDesCommand.class},
        footer = {"", "Examples:",
            "  stowage serve transcode --port 8080            (needs Redis; S3 in-process unless --endpoint)",
            "  stowage serve des --state jdbc:postgresql://127.0.0.1:5432/des --bucket des-archives --node-id 1"})
final class ServeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
