package io.stowage.des.ingest;

import io.stowage.des.ingest.internal.YamlReader;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The source databases of the packer, read from the YAML file the existing DES deployment uses
 * (docs/formats/DES-INGEST.md section 2): every key with its default, {@code ${VAR}} (and {@code ${VAR:-default}})
 * expanded from the environment in every value. A bad file is a {@link DesIngestConfigException} naming the key path
 * and why.
 *
 * <pre>{@code
 * SourceConfig c = SourceConfig.load(Path.of("sources.yaml"));          // System.getenv() for ${VAR}
 * for (SourceConfig.Source s : c.enabled()) {
 *     try (SourceConnector src = SourceConnector.open(s)) { ... }
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public record SourceConfig(List<Source> sources) {
    public SourceConfig {
        sources = List.copyOf(sources);
    }

    /** Reads {@code file}, expanding {@code ${VAR}} from {@link System#getenv()}. */
    public static SourceConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Reads {@code file}, expanding {@code ${VAR}} from {@code env}. */
    public static SourceConfig load(Path file, Map<String, String> env) {
        return YamlReader.load(file, env);
    }

    /** Parses YAML text; {@code origin} names it in messages. */
    public static SourceConfig parse(String yaml, String origin, Map<String, String> env) {
        return YamlReader.parse(yaml, origin, env);
    }

    /** The sources with {@code enabled: true}. */
    public List<Source> enabled() {
        return sources.stream().filter(Source::enabled).toList();
    }

    /** The source named {@code name}. */
    public Optional<Source> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** One entry of {@code sources:}. {@code shards()} is {@code 2^shardBits}. */
    public record Source(String name, boolean enabled, int batchSize, int claimTimeoutSeconds, int shardBits,
                         Connection connection, Table table) {
        public Source {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(table, "table");
        }

        public int shards() {
            return 1 << shardBits;
        }

        public Source withClaimTimeoutSeconds(int s) {
            return new Source(name, enabled, batchSize, s, shardBits, connection, table);
        }

        public Source withBatchSize(int n) {
            return new Source(name, enabled, n, claimTimeoutSeconds, shardBits, connection, table);
        }
    }

    /**
     * {@code connection:}. For {@link SourceType#SQLITE}, {@code database} is the file's path and the server keys are
     * not needed. The password is never printed by {@link #toString()}.
     */
    public record Connection(SourceType type, String host, int port, String database, String username,
                             String password, String schema, String charset, int poolSize, int poolRecycleSeconds,
                             boolean poolPrePing, Map<String, String> driverOptions) {
        public Connection {
            driverOptions = Map.copyOf(driverOptions);
        }

        @Override
        public String toString() {
            return "Connection[" + type.yamlName() + " " + (type == SourceType.SQLITE ? database
                    : username + "@" + host + ":" + port + "/" + database) + "]";
        }
    }

    /**
     * {@code table:}. {@code qualifiedName()} is {@code schema.name} when a schema is set.
     */
    public record Table(String name, String schema, Columns columns, String whereClause, String statusPendingValue,
                        String statusClaimedValue, String shardKeyColumn) {
        public String qualifiedName() {
            return schema == null || schema.isEmpty() ? name : schema + "." + name;
        }
    }

    /** {@code table.columns:}; {@code status} defaults to {@code status}, {@code createdAt} may be null. */
    public record Columns(String id, String s3Bucket, String s3Key, String sizeBytes, String status,
                          String createdAt, Map<String, String> metadataColumns) {
        public Columns {
            metadataColumns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadataColumns));
        }
    }
}
