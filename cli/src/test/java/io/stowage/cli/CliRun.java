package io.stowage.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in-process with captured stdout/stderr. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static Path vectors() {
        String prop = System.getProperty("stowage.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "test-vectors"))) {
            return Path.of(prop, "test-vectors");
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("test-vectors"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("test-vectors/ not found");
        }
        return p.resolve("test-vectors");
    }
}
