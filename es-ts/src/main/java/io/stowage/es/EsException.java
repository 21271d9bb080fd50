package io.stowage.es;

/**
 * Root of every failure of the es-ts module. Unchecked; only its subclasses are thrown, each naming the failure and
 * carrying its facts: {@link EsInvalidRangeException}, {@link EsOutputExistsException}, {@link EsOutputIoException},
 * {@link EsNothingInRangeException}, {@link EsResumeException}, {@link EsStoreException} and
 * {@link EsSegmentMissingException}.
 *
 * <pre>{@code
 * try { parser.fetch(from, to, out); } catch (EsException e) { log.error(e.getMessage()); }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public class EsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected EsException(String message) {
        super(message);
    }

    protected EsException(String message, Throwable cause) {
        super(message, cause);
    }
}
