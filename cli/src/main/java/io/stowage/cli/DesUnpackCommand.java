package io.stowage.cli;

import io.stowage.des.DesEntry;
import io.stowage.des.DesException;
import io.stowage.des.DesReader;
import io.stowage.des.EntryNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code stowage des unpack ARCHIVE DIR}: every entry as a file in DIR, refusing unsafe names. */
@Command(name = "unpack", mixinStandardHelpOptions = true,
        description = {"Write every entry of an archive as a file in DIR (never outside it).",
            "Names that are unsafe as file names ('.', '..', separators, control characters) are refused and"
                    + " reported; existing files are kept unless --force. Exit 3 when some entries failed."},
        footer = {"", "Example:", "  stowage des unpack day.des ./restored"})
final class DesUnpackCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "ARCHIVE")
    Path archive;
    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;
    @CommandLine.Mixin
    DesCommand.ExternalRoot ext;
    @Option(names = "--force", description = "Replace files that already exist in DIR.")
    boolean force;
    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<DesJson.NameFailure> failed = new ArrayList<>();
        int written = 0;
        long bytes = 0;
        Path target = dir.toAbsolutePath().normalize();
        Files.createDirectories(target);
        try (DesReader r = DesCommand.open(archive, ext);
             Progress progress = Progress.start("unpack", r.list().size(), " files", 1, json)) {
            Map<String, DesEntry> unique = new LinkedHashMap<>();
            for (DesEntry e : r.list()) {
                unique.remove(e.name());
                unique.put(e.name(), e); // last wins, as reads do
            }
            for (DesEntry e : unique.values()) {
                progress.step(1);
                String reason = null;
                Path file = null;
                if (!EntryNames.isSafeFileName(e.name())) {   // before any Path is made of it (NUL, separators)
                    reason = "unsafe name: it would not be a plain file inside " + target;
                } else {
                    try {
                        file = target.resolve(e.name()).normalize();
                    } catch (InvalidPathException ex) {   // e.g. a non-ASCII name in the C locale
                        reason = "the name cannot be represented in the file-name encoding (sun.jnu.encoding="
                                + System.getProperty("sun.jnu.encoding") + "); run with a UTF-8 locale, e.g."
                                + " LC_ALL=C.UTF-8";
                    }
                }
                if (reason != null) {
                    // reported below
                } else if (!target.equals(file.getParent())) {
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
                            // transferTo checks the whole entry before it writes a byte (openVerified)
                            bytes += r.transferTo(e.name(), ch);
                            ch.force(true);
                        }
                        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        written++;
                    } catch (DesException ex) {
                        reason = ex.getMessage();
                    } catch (IOException ex) {   // the file system refused it (a name over 255 bytes, a full disk)
                        reason = "cannot write it: " + ex;
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                if (reason != null) {
                    failed.add(new DesJson.NameFailure(e.name(), reason));
                }
            }
        }
        if (json) {
            Output.printJson(DesCommand.out(spec), new DesJson.Unpacked(written, failed.size(), bytes, failed));
        } else {
            PrintWriter o = DesCommand.out(spec);
            o.printf("%d files written to %s (%s)%n", written, EntryNames.escaped(target.toString()),
                    SizeConverter.format(bytes));
            for (DesJson.NameFailure f : failed) {
                o.printf("FAILED %s: %s%n", EntryNames.escaped(f.name()), EntryNames.escaped(f.reason()));
            }
            o.flush();
        }
        return failed.isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }
}
