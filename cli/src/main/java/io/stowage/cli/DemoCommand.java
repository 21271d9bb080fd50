package io.stowage.cli;

import io.stowage.examples.DemoPipeline;
import io.stowage.examples.Demos;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code stowage demo}: every pipeline end to end on embedded defaults, with its checks. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run every pipeline end to end on embedded defaults (temporary folders, in-process S3,",
            "bundled tools) and check the results. Exit 0 when every check passed, 1 otherwise."},
        footer = {"", "Examples:", "  stowage demo", "  stowage demo --only des --keep",
            "  stowage demo --only des-ingest,transcode-service   (the last needs Redis: STOWAGE_REDIS)"})
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "Run only these pipelines (comma-separated names).")
    List<String> only;

    @CommandLine.Option(names = "--keep", description = "Keep the work folder for inspection.")
    boolean keep;

    @CommandLine.Option(names = "--json", description = "Print the summary as JSON (pipeline output goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<DemoPipeline> pipelines = new ArrayList<>();
        for (DemoPipeline p : Demos.all()) {
            if (only == null || only.contains(p.name())) {
                pipelines.add(p);
            }
        }
        if (only != null && pipelines.size() != only.size()) {
            List<String> names = Demos.all().stream().map(DemoPipeline::name).toList();
            throw CliException.usage("--only " + only + " names an unknown pipeline; known: " + names);
        }
        Path work = Files.createTempDirectory("stowage-demo-");
        PrintStream out = json ? System.err : System.out;
        List<PipelineReport> results = new ArrayList<>();
        boolean allOk = true;
        long t0 = System.nanoTime();
        try (DemoLogs quiet = DemoLogs.quiet()) {
            for (DemoPipeline p : pipelines) {
                out.println("== " + p.name() + ": " + p.description());
                Path dir = work.resolve(p.name());
                Files.createDirectories(dir);
                long t = System.nanoTime();
                String error = null;
                try {
                    p.run(dir, out);
                } catch (Exception e) {
                    allOk = false;
                    error = e.toString();
                    out.println("FAILED " + p.name() + ": " + e);
                    if (System.getenv("STOWAGE_DEBUG") != null) {
                        e.printStackTrace(out);
                    }
                }
                double s = (System.nanoTime() - t) / 1e9;
                results.add(new PipelineReport(p.name(), error == null, error, Math.round(s * 1000) / 1000.0));
                out.printf("-- %s %s in %.2f s%n%n", p.name(), error == null ? "OK" : "FAILED", s);
            }
        }
        double total = (System.nanoTime() - t0) / 1e9;
        if (keep) {
            out.println("work folder kept: " + work);
        } else {
            deleteTree(work);
        }
        if (json) {
            Output.printJson(spec.commandLine().getOut(),
                    new Summary(allOk, Math.round(total * 1000) / 1000.0, results));
        } else {
            out.printf("demo %s: %d pipeline(s) in %.1f s%n", allOk ? "passed" : "FAILED", results.size(), total);
        }
        return allOk ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** {@code stowage demo --json}. */
    record Summary(boolean ok, double durationS, List<PipelineReport> pipelines) {
    }

    /** One pipeline's outcome; {@code error} only when it failed. */
    record PipelineReport(String name, boolean ok,
                          @com.fasterxml.jackson.annotation.JsonInclude(
                                  com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String error,
                          double durationS) {
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
