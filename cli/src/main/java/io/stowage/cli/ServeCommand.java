package io.stowage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code stowage serve transcode} (and {@code serve des}): the HTTP services, in the foreground. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run an HTTP service in the foreground: transcode (API, web page, workers), des (names, files).",
        subcommands = {ServeTranscodeCommand.class, ServeDesCommand.class})
final class ServeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
