package io.stowage.cli;

import io.stowage.es.TsCheckReport;
import io.stowage.es.TsChecker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code stowage ts ...}: MPEG transport stream tools. */
@Command(name = "ts", mixinStandardHelpOptions = true,
        description = "MPEG transport stream tools.",
        footer = {"", "Example:", "  stowage ts check clip.ts --json"},
        subcommands = {TsCommand.Check.class})
final class TsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check a transport stream: sync, continuity counters per PID",
                "(ISO 13818-1: null PID excluded, one duplicate allowed, discontinuity_indicator",
                "honoured), PAT/PMT and PCR intervals, PIDs with stream types.",
                "Exit 0 when clean, 1 when it finds errors (sync loss, continuity, CRC or",
                "transport errors, no PAT)."},
            footer = {"", "Examples:", "  stowage ts check clip.ts", "  stowage ts check clip.ts --json"})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE.ts")
        Path file;
        @Option(names = "--json", description = "Print the report as one JSON document.")
        boolean json;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw CliException.usage("FILE.ts " + file + " does not exist or is not a file");
            }
            TsCheckReport r = TsChecker.create().check(file); // UncheckedIOException: ErrorTable reports its cause
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                Output.printJson(o, EsJson.TsCheck.of(r));
            } else {
                o.printf("%s: %d packets, %d continuity errors, %d duplicates, %d sync losses (%d bytes skipped)"
                                + " - %s%n", r.file(), r.packets(), r.ccErrors(), r.duplicates(), r.syncLosses(),
                        r.bytesSkipped(), r.ok() ? "OK" : "ERRORS");
                o.printf("  PAT: %d, max interval %s; PMT max interval %s; PCR max interval %s%n", r.patCount(),
                        seconds(r.patMaxIntervalS()), seconds(r.pmtMaxIntervalS()), seconds(r.pcrMaxIntervalS()));
                for (TsCheckReport.TsPidReport p : r.pids()) {
                    o.printf("  PID %5d  %-5s %-12s %9d packets  cc %d  dup %d%s%n", p.pid(), p.role(),
                            p.streamTypeName() == null ? "" : p.streamTypeName(), p.packets(), p.ccErrors(),
                            p.duplicates(), p.pcrCount() > 0 ? "  PCR max " + seconds(p.pcrMaxIntervalS()) : "");
                }
                for (String e : r.errors()) {
                    o.println("  error: " + e);
                }
                for (String w : r.warnings()) {
                    o.println("  warning: " + w);
                }
                o.flush();
            }
            return r.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }

        private static String seconds(double s) {
            return s < 0 ? "n/a" : String.format("%.3f s", s);
        }
    }
}
