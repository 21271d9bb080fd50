package io.stowage.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The writer {@link Main} gives picocli for stdout: picocli's own (the same charset and flushing), marked so that a
 * command writing a large document can write its UTF-8 bytes to the process's stdout directly
 * ({@link #bytes(PrintWriter)}), without a char-to-byte encoder and a flush per 8 KiB in between (the dry run of
 * {@code stowage archive --json} writes 95 MB for 350,000 files). A writer set by a test is not one, so tests see
 * the same document through the writer.
 */
final class StdoutWriter extends PrintWriter {
    private final Charset charset;

    private StdoutWriter(PrintWriter picocliDefault, Charset charset) {
        super(picocliDefault, true);
        this.charset = charset;
    }

    /** Wraps picocli's default stdout writer, which writes {@code System.out} in {@code charset}. */
    static StdoutWriter wrap(PrintWriter picocliDefault) {
        return new StdoutWriter(picocliDefault, stdoutCharset());
    }

    /**
     * The process's stdout as bytes when {@code out} is the {@link StdoutWriter} and its charset is UTF-8 (after
     * flushing what the writer holds), else {@code null}: write through {@code out}.
     */
    static OutputStream bytes(PrintWriter out) {
        if (out instanceof StdoutWriter w && w.charset.equals(StandardCharsets.UTF_8)) {
            w.flush();
            return System.out;
        }
        return null;
    }

    /** The charset picocli writes stdout in: {@code stdout.encoding} or {@code sun.stdout.encoding}, else the default. */
    private static Charset stdoutCharset() {
        for (String p : new String[] {"stdout.encoding", "sun.stdout.encoding"}) {
            String v = System.getProperty(p);
            if (v != null) {
                try {
                    return Charset.forName(v);
                } catch (RuntimeException e) {
                    return Charset.defaultCharset(); // picocli falls back the same way
                }
            }
        }
        return Charset.defaultCharset();
    }
}
