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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code stowage demo}: every pipeline end to end on embedded defaults, with its checks. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run every pipeline end to end on embedded defaults (temporary folders, in-process S3,",
            "bundled tools) and check the results. Exit 0 when every check passed, 1 otherwise."},
        footer = {"", "Examples:", "  stowage demo", "  stowage demo --only des --keep"})
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
        List<Map<String, Object>> results = new ArrayList<>();
        boolean allOk = true;
        long t0 = System.nanoTime();
        for (DemoPipeline p : pipelines) {
            out.println("== " + p.name() + ": " + p.description());
            Path dir = work.resolve(p.name());
            Files.createDirectories(dir);
            long t = System.nanoTime();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", p.name());
            try {
                p.run(dir, out);
                r.put("ok", true);
            } catch (Exception e) {
                allOk = false;
                r.put("ok", false);
                r.put("error", e.toString());
                out.println("FAILED " + p.name() + ": " + e);
                if (System.getenv("STOWAGE_DEBUG") != null) {
                    e.printStackTrace(out);
                }
            }
            double s = (System.nanoTime() - t) / 1e9;
            r.put("duration_s", Math.round(s * 1000) / 1000.0);
            results.add(r);
            out.printf("-- %s %s in %.2f s%n%n", p.name(), Boolean.TRUE.equals(r.get("ok")) ? "OK" : "FAILED", s);
        }
        double total = (System.nanoTime() - t0) / 1e9;
        if (keep) {
            out.println("work folder kept: " + work);
        } else {
            deleteTree(work);
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", allOk);
            m.put("duration_s", Math.round(total * 1000) / 1000.0);
            m.put("pipelines", results);
            Output.printJson(spec.commandLine().getOut(), m);
        } else {
            out.printf("demo %s: %d pipeline(s) in %.1f s%n", allOk ? "passed" : "FAILED", results.size(), total);
        }
        return allOk ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
