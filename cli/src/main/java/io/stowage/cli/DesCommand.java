package io.stowage.cli;

import io.stowage.des.DesArchive;
import io.stowage.des.DesCorruptException;
import io.stowage.des.DesEntry;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesReader;
import io.stowage.des.DesVerifyReport;
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
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(Ls.class, Cat.class,
            DesWriteCommands.Pack.class, DesUnpackCommand.class, Verify.class, DesWriteCommands.Repack.class,
            Shard.class, DesIngestCommands.Packer.class, DesIngestCommands.Recover.class,
            DesIngestCommands.Containers.class, DesMarkerCommand.class);

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

    /**
     * Opens a local archive; a missing one is {@link io.stowage.des.DesIoException} "no such archive" (exit 1, as for
     * a missing S3 archive: DESIGN.md), not a usage error.
     */
    static DesReader open(Path archive, ExternalRoot ext) {
        return DesReader.open(archive, ext.options(null));
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
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
                    Output.printJson(out(spec), DesJson.Entry.of(r.list()));
                } else {
                    PrintWriter o = out(spec);
                    long total = 0;
                    for (DesEntry e : r.list()) {
                        o.printf("%12d  %s  %s%n", e.size(), e.isExternal() ? "ext" : "   ", EntryNames.escaped(e.name()));
                        total += e.size();
                    }
                    o.printf("%d entries, %s of payload%s%n", r.list().size(), SizeConverter.format(total),
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
                Output.printJson(out(spec), DesJson.Verified.of(rep));
            } else {
                PrintWriter o = out(spec);
                for (DesVerifyReport.Problem p : rep.problems()) {
                    o.printf("PROBLEM %s%s%s: %s%n", p.entry() == null ? "archive"
                                    : "entry '" + EntryNames.escaped(p.entry()) + "'",
                            p.field() == null ? "" : " field " + p.field(),
                            p.offset() >= 0 ? " at offset " + p.offset() : "", EntryNames.escaped(p.message()));
                }
                o.printf("%s: %s, %d entries, %s read, %d of them checksummed%s%n", EntryNames.escaped(rep.archive()),
                        rep.ok() ? "OK" : rep.problems().size() + " problem(s)", rep.entries(), SizeConverter.format(rep.bytes()),
                        rep.checksummed(), rep.footerChecksum() ? ", index checksummed" : "");
                o.flush();
            }
            return rep.ok() ? ExitCodes.OK : ExitCodes.FAILED;
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
