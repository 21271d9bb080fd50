package io.stowage.es;

/**
 * No valid record lies in the requested range (every segment missing, unreadable, or outside the range). No output
 * file is left behind. The report says what was tried.
 *
 * <p>{@code catch (EsNothingInRangeException e) { e.report().missing(); }}; immutable and thread-safe.
 */
public final class EsNothingInRangeException extends EsException {
    private static final long serialVersionUID = 1L;
    private final transient EsFetchReport report;

    public EsNothingInRangeException(String message, EsFetchReport report) {
        super(message);
        this.report = report;
    }

    /** What the run found: expected segments, missing and corrupt ones. */
    public EsFetchReport report() {
        return report;
    }
}
