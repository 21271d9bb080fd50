package io.stowage.es;

/**
 * Root of every failure of the es-ts module. Unchecked; subclasses name the failure and carry the facts.
 *
 * <pre>{@code
 * try { parser.fetch(from, to, out); } catch (EsException e) { log.error(e.getMessage()); }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public class EsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EsException(String message) {
        super(message);
    }

    public EsException(String message, Throwable cause) {
        super(message, cause);
    }
}
