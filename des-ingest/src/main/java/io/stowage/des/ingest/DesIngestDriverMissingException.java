package io.stowage.des.ingest;

/**
 * A source's database type needs a JDBC driver that is not on the class path (Oracle, Microsoft SQL Server: Stowage
 * ships their SQL but not their drivers). The message names the source, the driver class and the Maven artifact to add.
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestDriverMissingException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final String driverClass;

    public DesIngestDriverMissingException(String driverClass, String message) {
        super(message);
        this.driverClass = driverClass;
    }

    /** The JDBC driver class that was not found. */
    public String driverClass() {
        return driverClass;
    }
}
