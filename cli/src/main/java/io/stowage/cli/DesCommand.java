package io.stowage.cli;

import io.stowage.des.DesArchive;
import io.stowage.des.DesCorruptException;
import io.stowage.des.DesEntry;
import io.stowage.des.DesException;
import io.stowage.des.DesNameException;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesReader;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.DesWriteListener;
import io.stowage.des.DesWriteReport;
import io.stowage.des.DesWriter;
import io.stowage.des.EntryNames;
import io.stowage.des.ExternalStore;
import io.stowage.des.ShardHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stowage des ...}: the DES v1 small-files container on local files. */
@Command(name = "des", mixinStandardHelpOptions = true,
        description = {"Pack many small files into one DES v1 archive and read any one back.",
            "Archives from the reference implementation read byte for byte; new archives carry CRC-32C checksums",
            "(invisible to the reference reader) unless --no-checksums."},
        footer = {"", "Examples:",
            "  stowage des pack day.des ./photos",
            "  stowage des ls day.des --json",
            "  stowage des cat day.des IMG_0001.jpg > IMG_0001.jpg"})
final class DesCommand implements Runnable {
    /**
     * The subcommands, in the order {@code --help} lists them. Registered by {@link Cli#commandLine(String...)} like
     * the top level's: only the one being run when it is named (its siblings' models, with their S3 option mixins,
     * cost 20-30 ms of a 0.6 s {@code des pack}).
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(Ls.class, Cat.class, Pack.class,
            Unpack.class, Verify.class, Repack.class, Shard.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by commands that read external entries. */
    static final class ExternalRoot {
        @Option(names = "--external-root", paramLabel = "DIR",
                description = "Folder holding external (big) entries at their external_key, e.g. the local copy of"
                        + " the bucket.")
        Path externalRoot;

        DesReadOptions options(String archiveKey) {
            DesReadOptions o = DesReadOptions.defaults();
            if (externalRoot != null) {
                if (!Files.isDirectory(externalRoot)) {
                    throw CliException.usage("--external-root " + externalRoot + " is not a folder");
                }
                o = o.withExternalStore(ExternalStore.directory(externalRoot));
            }
            return archiveKey == null ? o : o.withArchiveKey(archiveKey);
        }
    }

    static DesReader open(Path archive, ExternalRoot ext) {
        if (!Files.exists(archive)) {
            throw CliException.usage("archive " + archive + " does not exist");
        }
        return DesReader.open(archive, ext.options(null));
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format("%.1f %s", v, u[i]);
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the entries of an archive.",
            footer = {"", "Examples:", "  stowage des ls day.des --json",
                "  stowage des ls s3://media/2025-01-15/day.des --endpoint http://127.0.0.1:9000"})
    static final class Ls implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ARCHIVE", description = "Local path or s3://BUCKET/KEY.")
        String archive;
        @CommandLine.Mixin
        DesS3Support.S3Options s3;
        @Option(names = "--json", description = "One JSON array: name, size, meta (stored META object), external.")
        boolean json;

        @Override
        public Integer call() {
            try (DesArchive r = DesS3Support.open(archive, new ExternalRoot(), s3)) {
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (DesEntry e : r.list()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", e.name());
                        row.put("size", e.size());
                        row.put("meta", e.meta());
                        row.put("external", e.isExternal());
                        rows.add(row);
                    }
                    Output.printJson(out(spec), rows);
                } else {
                    PrintWriter o = out(spec);
                    long total = 0;
                    for (DesEntry e : r.list()) {
                        o.printf("%12d  %s  %s%n", e.size(), e.isExternal() ? "ext" : "   ", e.name());
                        total += e.size();
                    }
                    o.printf("%d entries, %s of payload%s%n", r.list().size(), human(total),
                            r.index().footer().hasCrc32c() ? ", checksummed" : "");
                    o.flush();
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "cat", mixinStandardHelpOptions = true, description = "Write one entry's bytes to stdout.",
            footer = {"", "Example:", "  stowage des cat day.des IMG_0001.jpg > IMG_0001.jpg",
                "  stowage des cat ../vectors/external.des b_big --external-root ../vectors/external_objects"})
    static final class Cat implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ARCHIVE", description = "Local path or s3://BUCKET/KEY.")
        String archive;
        @CommandLine.Mixin
        DesS3Support.S3Options s3;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;
        @CommandLine.Mixin
        ExternalRoot ext;

        @Override
        public Integer call() throws IOException {
            try (DesArchive r = DesS3Support.open(archive, ext, s3)) {
                r.entry(name); // fail before touching stdout
                FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
                WritableByteChannel ch = stdout.getChannel();
                r.transferTo(name, ch);
                stdout.flush();
            }
            return ExitCodes.OK;
        }
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

    static Map<String, Object> writeSummary(DesWriteReport res, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("archive", res.archive());
        m.put("entries", res.entries());
        m.put("data_bytes", res.dataBytes());
        m.put("external_entries", res.externalEntries());
        m.put("external_bytes", res.externalBytes());
        m.put("archive_bytes", res.archiveBytes());
        m.put("duration_s", Math.round(seconds * 1000) / 1000.0);
        return m;
    }

    static void printWriteSummary(PrintWriter o, DesWriteReport res, double seconds) {
        o.printf("%s: %d entries, %s inside%s, archive %s, %.2f s (%.0f files/s)%n", res.archive(), res.entries(),
                human(res.dataBytes()), res.externalEntries() > 0
                        ? ", " + res.externalEntries() + " external (" + human(res.externalBytes()) + ")" : "",
                human(res.archiveBytes()), seconds, res.entries() / Math.max(seconds, 1e-9));
        o.flush();
    }

    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = {"Pack files and folders into a new archive.",
                "Files are named by their file name; folders add their files recursively, also by file name.",
                "Order: inputs as given; inside a folder, files and subfolders by name, depth first.",
                "Two inputs with the same name are an error naming both paths. Symbolic links are not followed."},
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
                throw CliException.usage(out + " already exists; choose another name or add --force");
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
            try (Progress progress = Progress.start("pack", -1, " files", 1, json);
                 DesWriter w = pack.apply(DesWriter.builder(out)).listener(new DesWriteListener() {
                     @Override
                     public void onEntryAdded(String name, long size) {
                         progress.step(1);
                     }
                 }).build();
                 PackInputs files = new PackInputs(inputs, progress::total)) {
                // the walk runs in its own thread; small files are read ahead in parallel while the archive is written
                w.addFiles(files, null, Math.max(2, Runtime.getRuntime().availableProcessors()));
                res = w.finish();
            } catch (DesNameException e) { // a bad or repeated name: nothing was committed
                throw PackInputs.nameError(inputs, e);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (json) {
                Output.printJson(out(spec), writeSummary(res, s));
            } else {
                printWriteSummary(out(spec), res, s);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "unpack", mixinStandardHelpOptions = true,
            description = {"Write every entry of an archive as a file in DIR (never outside it).",
                "Names that are unsafe as file names ('.', '..', separators, control characters) are refused and"
                        + " reported; existing files are kept unless --force. Exit 3 when some entries failed."},
            footer = {"", "Example:", "  stowage des unpack day.des ./restored"})
    static final class Unpack implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ARCHIVE")
        Path archive;
        @Parameters(index = "1", paramLabel = "DIR")
        Path dir;
        @CommandLine.Mixin
        ExternalRoot ext;
        @Option(names = "--force", description = "Replace files that already exist in DIR.")
        boolean force;
        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            List<Map<String, Object>> failed = new ArrayList<>();
            int written = 0;
            long bytes = 0;
            Path target = dir.toAbsolutePath().normalize();
            Files.createDirectories(target);
            try (DesReader r = open(archive, ext);
                 Progress progress = Progress.start("unpack", r.list().size(), " files", 1, json)) {
                Map<String, DesEntry> unique = new LinkedHashMap<>();
                for (DesEntry e : r.list()) {
                    unique.remove(e.name());
                    unique.put(e.name(), e); // last wins, as reads do
                }
                for (DesEntry e : unique.values()) {
                    progress.step(1);
                    String reason = null;
                    Path file = target.resolve(e.name()).normalize();
                    if (!EntryNames.isSafeFileName(e.name()) || !target.equals(file.getParent())) {
                        reason = "unsafe name: it would not be a plain file inside " + target;
                    } else if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !force) {
                        reason = "exists; add --force to replace it";
                    } else {
                        // a new file, so it gets the umask's permissions (Files.createTempFile would make it 0600)
                        Path tmp = target.resolve(".unpack." + Long.toUnsignedString(
                                java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                        try {
                            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                                    StandardOpenOption.WRITE)) {
                                bytes += r.transferTo(e.name(), ch);
                                ch.force(true);
                            }
                            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                            written++;
                        } catch (DesException ex) {
                            reason = ex.getMessage();
                        } finally {
                            Files.deleteIfExists(tmp);
                        }
                    }
                    if (reason != null) {
                        Map<String, Object> f = new LinkedHashMap<>();
                        f.put("name", e.name());
                        f.put("reason", reason);
                        failed.add(f);
                    }
                }
            }
            if (json) {
                Map<String, Object> rep = new LinkedHashMap<>();
                rep.put("written", written);
                rep.put("failed_count", failed.size());
                rep.put("bytes", bytes);
                rep.put("failed", failed);
                Output.printJson(out(spec), rep);
            } else {
                PrintWriter o = out(spec);
                o.printf("%d files written to %s (%s)%n", written, target, human(bytes));
                for (Map<String, Object> f : failed) {
                    o.printf("FAILED %s: %s%n", f.get("name"), f.get("reason"));
                }
                o.flush();
            }
            return failed.isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check an archive: structure, every payload's length, external objects and checksums.",
                "Exit 1 when a problem is found; each problem names the entry, the bad field and its offset.",
                "Archives without Stowage checksums (reference archives) cannot reveal a flipped payload byte."},
            footer = {"", "Example:", "  stowage des verify day.des --json"})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ARCHIVE", description = "Local path or s3://BUCKET/KEY.")
        String archive;
        @CommandLine.Mixin
        DesS3Support.S3Options s3;
        @CommandLine.Mixin
        ExternalRoot ext;
        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() {
            DesVerifyReport rep;
            try (DesArchive r = DesS3Support.open(archive, ext, s3)) {
                rep = r.verify();
            } catch (DesCorruptException e) {
                rep = new DesVerifyReport(archive.toString(), 0, 0, 0, false,
                        List.of(DesVerifyReport.Problem.of(null, e)));
            }
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("archive", rep.archive());
                m.put("ok", rep.ok());
                m.put("entries", rep.entries());
                m.put("bytes", rep.bytes());
                m.put("checksummed_entries", rep.checksummed());
                m.put("footer_checksum", rep.footerChecksum());
                m.put("problems", rep.problems());
                Output.printJson(out(spec), m);
            } else {
                PrintWriter o = out(spec);
                for (DesVerifyReport.Problem p : rep.problems()) {
                    o.printf("PROBLEM %s%s%s: %s%n", p.entry() == null ? "archive" : "entry '" + p.entry() + "'",
                            p.field() == null ? "" : " field " + p.field(),
                            p.offset() >= 0 ? " at offset " + p.offset() : "", p.message());
                }
                o.printf("%s: %s, %d entries, %s read, %d of them checksummed%s%n", rep.archive(),
                        rep.ok() ? "OK" : rep.problems().size() + " problem(s)", rep.entries(), human(rep.bytes()),
                        rep.checksummed(), rep.footerChecksum() ? ", index checksummed" : "");
                o.flush();
            }
            return rep.ok() ? ExitCodes.OK : ExitCodes.FAILED;
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
        ExternalRoot ext;
        @CommandLine.Mixin
        PackOptions pack;
        @Option(names = "--json", description = "Print the summary as JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (Files.exists(out) && !pack.force) {
                throw CliException.usage(out + " already exists; choose another name or add --force");
            }
            long t0 = System.nanoTime();
            DesWriteReport res;
            try (DesArchive r = open(in, ext);
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
                Output.printJson(out(spec), writeSummary(res, s));
            } else {
                printWriteSummary(out(spec), res, s);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "shard", mixinStandardHelpOptions = true,
            description = "Print the consistent-hash shard of a name: the top N bits of SHA-256(UTF-8 name).",
            footer = {"", "Example:", "  stowage des shard 'DES_20250404_(07417CE42C82_E4)' --bits 8"})
    static final class Shard implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--bits", required = true, paramLabel = "N", description = "Shard bits, 1..256.")
        int bits;

        @Override
        public Integer call() {
            if (bits < 1 || bits > 256) {
                throw CliException.usage("--bits " + bits + " must be between 1 and 256");
            }
            out(spec).println(ShardHash.shardOfBig(name, bits));
            out(spec).flush();
            return ExitCodes.OK;
        }
    }
}
