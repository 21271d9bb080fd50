package io.stowage.des.ingest;

/**
 * The ingest metadata database (the {@code --state} URL) cannot be opened, migrated or read: the URL is not a
 * PostgreSQL or SQLite one, the server does not answer, the SQLite file's folder is missing, or a statement failed.
 * The message names the database (password hidden) and what to check.
 *
 * <pre>{@code
 * try (IngestDatabase db = IngestDatabase.open(url)) { ... }
 * catch (DesIngestDatabaseException e) { log.error("state {}: {}", e.database(), e.getMessage()); }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DesIngestDatabaseException extends DesIngestException {
    private static final long serialVersionUID = 1L;
    private final String database;

    public DesIngestDatabaseException(String message, String database) {
        super(message);
        this.database = database;
    }

    public DesIngestDatabaseException(String message, String database, Throwable cause) {
        super(message, cause);
        this.database = database;
    }

    /** The database as shown to people: the SQLite file, or the JDBC URL with its password hidden. */
    public String database() {
        return database;
    }
}
