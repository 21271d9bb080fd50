package io.stowage.des.ingest;

import java.util.Locale;

/**
 * The database kind of a source ({@code connection.type} in the YAML). PostgreSQL, MariaDB/MySQL and SQLite are
 * tested; Oracle and Microsoft SQL Server have their dialect SQL but need a JDBC driver the user adds.
 */
public enum SourceType {
    POSTGRES("org.postgresql.Driver", "org.postgresql:postgresql"),
    MARIADB("org.mariadb.jdbc.Driver", "org.mariadb.jdbc:mariadb-java-client"),
    MYSQL("org.mariadb.jdbc.Driver", "org.mariadb.jdbc:mariadb-java-client"),
    ORACLE("oracle.jdbc.OracleDriver", "com.oracle.database.jdbc:ojdbc11"),
    MSSQL("com.microsoft.sqlserver.jdbc.SQLServerDriver", "com.microsoft.sqlserver:mssql-jdbc"),
    /** Stowage only: a SQLite file ({@code connection.database} is its path) for one machine and the demo. */
    SQLITE("org.sqlite.JDBC", "org.xerial:sqlite-jdbc");

    private final String driverClass;
    private final String artifact;

    SourceType(String driverClass, String artifact) {
        this.driverClass = driverClass;
        this.artifact = artifact;
    }

    /** The JDBC driver class this type needs. */
    public String driverClass() {
        return driverClass;
    }

    /** The Maven coordinates of that driver. */
    public String artifact() {
        return artifact;
    }

    /** The YAML spelling: {@code postgres}, {@code mariadb}, ... */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type for a YAML value (case-insensitive), or {@code null}. */
    public static SourceType of(String yaml) {
        for (SourceType t : values()) {
            if (t.yamlName().equalsIgnoreCase(yaml.trim())) {
                return t;
            }
        }
        if ("postgresql".equalsIgnoreCase(yaml.trim())) {
            return POSTGRES;
        }
        return null;
    }
}
