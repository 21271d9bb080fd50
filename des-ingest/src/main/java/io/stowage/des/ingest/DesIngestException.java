package io.stowage.des.ingest;

/**
 * The root of every des-ingest failure: configuration, sources, state database, shard locks, containers. Unchecked;
 * the named subclasses say what failed and carry the facts.
 *
 * <pre>{@code
 * try (DesPacker p = DesPacker.create(db, sources, s3, options)) {
 *     p.run();
 * } catch (DesIngestConfigException e) {
 *     System.err.println(e.getMessage() + " (" + e.keyPath() + ")");
 * } catch (DesIngestException e) {
 *     System.err.println(e.getMessage());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public class DesIngestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DesIngestException(String message) {
        super(message);
    }

    public DesIngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
