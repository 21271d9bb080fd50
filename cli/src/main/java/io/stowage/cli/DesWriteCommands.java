package io.stowage.cli;

import io.stowage.des.DesArchive;
import io.stowage.des.DesEntry;
import io.stowage.des.DesNameException;
import io.stowage.des.DesOutputExistsException;
import io.stowage.des.DesWriteListener;
import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.des.EntryNames;
import io.stowage.des.ExternalStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code stowage des pack} and {@code des repack}: the commands that write an archive, and the options they share
 * (where big payloads go, checksums, overwrite). Registered by {@link DesCommand#SUBCOMMANDS}.
 *
 * <p>{@code stowage des pack day.des ./photos --json}
 *
 * <p>Not thread-safe: picocli fills one instance per run.
 */
final class DesWriteCommands {
    private DesWriteCommands() {
    }

    /** Options that choose where big payloads go, shared by pack and repack. */
    static final class PackOptions {
        @Option(names = "--big-threshold", paramLabel = "SIZE", converter = SizeConverter.class,
                description = "Payloads of at least this size go to --external-dir (default: ${DEFAULT-VALUE}).",
                defaultValue = "100MiB")
        long bigThreshold;
        @Option(names = "--external-dir", paramLabel = "DIR",
                description = "Store big payloads as files under DIR/P/_bigFiles/NAME (without it, everything is"
                        + " stored inside the archive).")
        Path externalDir;
        @Option(names = "--external-prefix", paramLabel = "P", defaultValue = "",
                description = "Key prefix of external entries (usually the archive's folder in its bucket).")
        String externalPrefix;
        @Option(names = "--no-checksums", description = "Write exactly what the reference writer writes (no crc32c).")
        boolean noChecksums;
        @Option(names = "--force", description = "Replace OUT if it exists.")
        boolean force;

        DesWriter.Builder apply(DesWriter.Builder b) {
            b.checksums(!noChecksums).overwrite(force).externalThreshold(bigThreshold);
            if (externalDir != null) {
                b.externalStore(ExternalStore.directory(externalDir), externalPrefix);
            }
            return b;
        }
    }

    static void printWriteSummary(PrintWriter o, DesWriteReport res, double seconds) {
        o.printf("%s: %d entries, %s inside%s, archive %s, %.2f s (%.0f files/s)%n", EntryNames.escaped(res.archive()),
                res.entries(),
                SizeConverter.format(res.dataBytes()), res.externalEntries() > 0
                        ? ", " + res.externalEntries() + " external (" + SizeConverter.format(res.externalBytes()) + ")"
                        : "",
                SizeConverter.format(res.archiveBytes()), seconds, res.entries() / Math.max(seconds, 1e-9));
        o.flush();
    }

    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = {"Pack files and folders into a new archive.",
                "Files are named by their file name; folders add their files recursively, also by file name.",
                "Order: inputs as given; inside a folder, files and subfolders by name, depth first.",
                "Two inputs with the same name are an error naming both paths. Symbolic links are not followed.",
                "The archive and its temporary files are never inputs. A file whose name the JVM cannot represent",
                "(a non-ASCII name in the C locale) is reported and left out; exit 3 when some files failed."},
            footer = {"", "Examples:", "  stowage des pack day.des ./photos notes.txt",
                "  stowage des pack day.des ./cams --big-threshold 100MiB --external-dir ./bucket"
                        + " --external-prefix 2025-01-15/shard_07"})
    static final class Pack implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "OUT.des")
        Path out;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "INPUT")
        List<Path> inputs;
        @CommandLine.Mixin
        PackOptions pack;
        @Option(names = "--json", description = "Print the summary as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(out) && !pack.force) {
                throw CliException.reworded(out + " already exists; choose another name or add --force",
                        new DesOutputExistsException(out.toString(), out + ": the archive exists; add --force"));
            }
            for (Path input : inputs) {
                if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
                    throw CliException.usage("input " + input + " does not exist");
                }
                if (!Files.isDirectory(input) && !Files.isRegularFile(input)) {
                    throw CliException.usage("input " + input + " is not a regular file or folder");
                }
            }
            long t0 = System.nanoTime();
            DesWriteReport res;
            List<PackInputs.Failure> failed;
            try (Progress progress = Progress.start("pack", -1, " files", 1, json);
                 DesWriter w = pack.apply(DesWriter.builder(out)).listener(new DesWriteListener() {
                     @Override
                     public void onEntryAdded(String name, long size) {
                         progress.step(1);
                     }
                 }).build();
                 PackInputs files = new PackInputs(inputs, out, progress::total)) {
                // the walk runs in its own thread; small files are read ahead in parallel while the archive is written
                w.addFiles(files, null, Math.max(2, Runtime.getRuntime().availableProcessors()));
                res = w.finish();
                failed = files.failures();
            } catch (DesNameException e) { // a bad or repeated name: nothing was committed
                throw PackInputs.nameError(inputs, e);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            List<DesJson.PathFailure> failures = failed.stream()
                    .map(f -> new DesJson.PathFailure(f.path(), f.reason())).toList();
            if (json) {
                Output.printJson(DesCommand.out(spec), DesJson.Written.of(res, s, failures));
            } else {
                PrintWriter o = DesCommand.out(spec);
                printWriteSummary(o, res, s);
                for (DesJson.PathFailure f : failures) {   // the path is escaped already
                    o.printf("FAILED %s: %s%n", f.path(), EntryNames.escaped(f.reason()));
                }
                o.flush();
            }
            return failures.isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }

    @Command(name = "repack", mixinStandardHelpOptions = true,
            description = {"Rewrite an archive's entries, in order, with their META, into a new archive.",
                "Adds Stowage checksums, or with --no-checksums writes exactly what the reference writes",
                "(a reference archive repacked with --no-checksums is byte-identical)."},
            footer = {"", "Example:", "  stowage des repack old.des new.des",
                "  stowage des repack ours.des reference-style.des --no-checksums"})
    static final class Repack implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "IN")
        Path in;
        @Parameters(index = "1", paramLabel = "OUT")
        Path out;
        @CommandLine.Mixin
        DesCommand.ExternalRoot ext;
        @CommandLine.Mixin
        PackOptions pack;
        @Option(names = "--json", description = "Print the summary as JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (Files.exists(out) && !pack.force) {
                throw CliException.reworded(out + " already exists; choose another name or add --force",
                        new DesOutputExistsException(out.toString(), out + ": the archive exists; add --force"));
            }
            long t0 = System.nanoTime();
            DesWriteReport res;
            try (DesArchive r = DesCommand.open(in, ext);
                 DesWriter w = pack.apply(DesWriter.builder(out)).allowDuplicateNames(true).build();
                 Progress progress = Progress.start("repack", r.list().size(), " entries", 1, json)) {
                for (DesEntry e : r.list()) {
                    Map<String, Object> meta = new LinkedHashMap<>(e.meta());
                    meta.remove("crc32c"); // recomputed, or dropped with --no-checksums
                    boolean staysExternal = pack.externalDir != null && e.size() >= pack.bigThreshold;
                    if (!staysExternal) {
                        meta.remove("is_external");
                        meta.remove("external_key");
                    }
                    try (java.io.InputStream s = r.openStream(e.name())) {
                        w.add(e.name(), s, e.size(), meta);
                    } catch (IOException ex) {
                        throw new io.stowage.des.DesIoException(r.name(), "cannot read '" + e.name() + "'", ex);
                    }
                    progress.step(1);
                }
                res = w.finish();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (json) {
                Output.printJson(DesCommand.out(spec), DesJson.Written.of(res, s));
            } else {
                printWriteSummary(DesCommand.out(spec), res, s);
            }
            return ExitCodes.OK;
        }
    }
}
