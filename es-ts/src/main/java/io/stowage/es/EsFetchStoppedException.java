package io.stowage.es;

import java.nio.file.Path;

/**
 * The fetch was stopped on request ({@link EsFetchOptions#stopRequested()}, e.g. on SIGINT or SIGTERM) between two
 * segments. A fetch to a file left {@code OUT.part} and its checkpoint consistent: the same fetch with
 * {@link EsFetchOptions#resume()} continues where it stopped. The report says what was done so far.
 *
 * <p>{@code catch (EsFetchStoppedException e) { print(e.report()); }}; immutable and thread-safe.
 */
public final class EsFetchStoppedException extends EsException {
    private static final long serialVersionUID = 1L;
    private final transient EsFetchReport report;
    private final transient Path partFile;

    /**
     * @param report   what was done until the stop
     * @param partFile the partial output kept for a resume, or null (a stream)
     */
    public EsFetchStoppedException(EsFetchReport report, Path partFile) {
        super("fetch stopped on request after " + report.segmentsFetched() + " segments, " + report.bytesWritten()
                + " bytes" + (partFile == null ? "" : "; " + partFile + " is kept: run the same fetch with --resume"
                + " to continue"));
        this.report = report;
        this.partFile = partFile;
    }

    /** What was done until the stop. */
    public EsFetchReport report() {
        return report;
    }

    /** The partial output kept for a resume, or null when fetching to a stream. */
    public Path partFile() {
        return partFile;
    }
}
