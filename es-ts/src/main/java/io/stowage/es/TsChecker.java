package io.stowage.es;

import io.stowage.es.internal.TsAnalyzer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks an MPEG transport stream: sync, continuity counters per PID (ISO 13818-1 rules), PAT/PMT and PCR intervals,
 * PIDs with their stream types. Streams the input; memory does not grow with the file.
 *
 * <pre>{@code
 * TsCheckReport r = TsChecker.create().check(Path.of("clip.ts"));
 * System.out.println(r.packets() + " packets, " + r.ccErrors() + " continuity errors");
 * }</pre>
 *
 * <p>Thread-safe: each {@code check} call uses its own state.
 */
public final class TsChecker {
    private static final int MAX_ERRORS = 100;

    private TsChecker() {
    }

    /** A checker with the usual limits (PAT/PMT 0.5 s, PCR 100 ms, first 100 errors listed). */
    public static TsChecker create() {
        return new TsChecker();
    }

    /**
     * Checks a file.
     *
     * @throws UncheckedIOException if the file cannot be read ({@link NoSuchFileException} as the cause when absent)
     */
    public TsCheckReport check(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return check(ch, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /** Checks a stream read to its end; {@code name} labels the report. The channel is not closed. */
    public TsCheckReport check(ReadableByteChannel ch, String name) throws IOException {
        return new TsAnalyzer(MAX_ERRORS).run(ch, name);
    }
}
