package io.stowage.des.ingest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sources YAML of section 2: every key and default, ${VAR}, errors with the key path. */
class SourceConfigTest {
    static final String MINIMAL = """
            sources:
              - name: orders
                connection:
                  type: mariadb
                  host: ${DB_HOST}
                  port: ${DB_PORT:-3306}
                  database: shop
                  username: packer
                  password: ${DB_PASSWORD}
                table:
                  name: files
                  columns:
                    id: file_id
                    s3_bucket: bucket
                    s3_key: object_key
                    size_bytes: size
            """;

    @Test
    void defaultsAndVariables() {
        SourceConfig c = SourceConfig.parse(MINIMAL, "sources.yaml", Map.of("DB_HOST", "db1", "DB_PASSWORD", "s3cr$t"));
        SourceConfig.Source s = c.sources().get(0);
        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.enabled()).isTrue();
        assertThat(s.batchSize()).isEqualTo(100);
        assertThat(s.claimTimeoutSeconds()).isEqualTo(300);
        assertThat(s.shardBits()).isEqualTo(8);
        assertThat(s.shards()).isEqualTo(256);
        assertThat(s.connection().type()).isEqualTo(SourceType.MARIADB);
        assertThat(s.connection().host()).isEqualTo("db1");
        assertThat(s.connection().port()).isEqualTo(3306);
        assertThat(s.connection().password()).isEqualTo("s3cr$t");
        assertThat(s.connection().toString()).doesNotContain("s3cr$t");
        assertThat(s.connection().charset()).isEqualTo("utf8mb4");
        assertThat(s.connection().poolSize()).isEqualTo(5);
        assertThat(s.connection().poolRecycleSeconds()).isEqualTo(3600);
        assertThat(s.connection().poolPrePing()).isTrue();
        assertThat(s.table().columns().status()).isEqualTo("status");
        assertThat(s.table().columns().createdAt()).isNull();
        assertThat(s.table().statusPendingValue()).isEqualTo("pending");
        assertThat(s.table().statusClaimedValue()).isEqualTo("claimed");
        assertThat(s.table().shardKeyColumn()).isNull();
        assertThat(s.table().qualifiedName()).isEqualTo("files");
    }

    @Test
    void everyKeySet() {
        String yaml = """
                sources:
                  - name: a
                    enabled: false
                    batch_size: 500
                    claim_timeout_seconds: 60
                    shard_bits: 4
                    connection: {type: postgres, host: h, port: 5433, database: d, username: u, password: p,
                                 schema: s, pool_size: 9, pool_recycle: 10, pool_pre_ping: false,
                                 driver_options: {sslmode: require}}
                    table:
                      name: t
                      schema: media
                      columns: {id: id, s3_bucket: b, s3_key: k, size_bytes: n, status: st, created_at: ca,
                                metadata_columns: {camera: cam_id, site: site}}
                      where_clause: "kind = 'photo'"
                      status_pending_value: NEW
                      status_claimed_value: TAKEN
                      shard_key_column: k
                """;
        SourceConfig.Source s = SourceConfig.parse(yaml, "x", Map.of()).sources().get(0);
        assertThat(s.enabled()).isFalse();
        assertThat(s.batchSize()).isEqualTo(500);
        assertThat(s.shards()).isEqualTo(16);
        assertThat(s.connection().driverOptions()).containsEntry("sslmode", "require");
        assertThat(s.connection().poolPrePing()).isFalse();
        assertThat(s.table().qualifiedName()).isEqualTo("media.t");
        assertThat(s.table().columns().metadataColumns()).containsExactly(Map.entry("camera", "cam_id"),
                Map.entry("site", "site"));
        assertThat(s.table().whereClause()).isEqualTo("kind = 'photo'");
        assertThat(s.table().statusPendingValue()).isEqualTo("NEW");
        assertThat(s.table().shardKeyColumn()).isEqualTo("k");
    }

    @Test
    void aMissingVariableIsNamed() {
        assertThatThrownBy(() -> SourceConfig.parse(MINIMAL, "sources.yaml", Map.of("DB_HOST", "h")))
                .isInstanceOf(DesIngestConfigException.class)
                .hasMessageContaining("sources[0].connection.password")
                .hasMessageContaining("DB_PASSWORD is not set")
                .extracting(e -> ((DesIngestConfigException) e).keyPath())
                .isEqualTo("sources[0].connection.password");
    }

    @Test
    void badValuesNameTheKeyPathAndWhy() {
        Map<String, String> env = Map.of("DB_HOST", "h", "DB_PASSWORD", "p");
        assertThatThrownBy(() -> SourceConfig.parse(MINIMAL.replace("${DB_PORT:-3306}", "abc"), "f.yaml", env))
                .hasMessage("f.yaml: sources[0].connection.port 'abc' is not a whole number");
        assertThatThrownBy(() -> SourceConfig.parse(MINIMAL.replace("type: mariadb", "type: db2"), "f.yaml", env))
                .hasMessageContaining("sources[0].connection.type 'db2' is not a source type");
        assertThatThrownBy(() -> SourceConfig.parse(MINIMAL.replace("        id: file_id\n", ""), "f.yaml", env))
                .hasMessage("f.yaml: sources[0].table.columns.id is missing (required)");
        assertThatThrownBy(() -> SourceConfig.parse(MINIMAL.replace("name: orders", "name: orders\n    "
                + "batch_size: 0"), "f.yaml", env))
                .hasMessage("f.yaml: sources[0].batch_size 0 is out of range 1..10000");
        assertThatThrownBy(() -> SourceConfig.parse(MINIMAL.replace("name: files", "name: \"files; drop\""),
                "f.yaml", env)).hasMessageContaining("sources[0].table.name 'files; drop' is not a plain SQL identifier");
        assertThatThrownBy(() -> SourceConfig.parse("sources: [", "f.yaml", env))
                .hasMessageContaining("f.yaml: not valid YAML");
        assertThatThrownBy(() -> SourceConfig.parse("other: 1", "f.yaml", env))
                .hasMessageContaining("sources is missing");
    }

    @Test
    void oracleAndMssqlSayTheDriverIsMissing() {
        String yaml = MINIMAL.replace("type: mariadb", "type: oracle");
        SourceConfig.Source s = SourceConfig.parse(yaml, "x", Map.of("DB_HOST", "h", "DB_PASSWORD", "p"))
                .sources().get(0);
        assertThatThrownBy(() -> SourceConnector.open(s)).isInstanceOf(DesIngestDriverMissingException.class)
                .hasMessageContaining("oracle.jdbc.OracleDriver, which is not on the class path")
                .hasMessageContaining("com.oracle.database.jdbc:ojdbc11");
        SourceConfig.Source m = SourceConfig.parse(MINIMAL.replace("type: mariadb", "type: mssql"), "x",
                Map.of("DB_HOST", "h", "DB_PASSWORD", "p")).sources().get(0);
        assertThatThrownBy(() -> SourceConnector.open(m)).isInstanceOf(DesIngestDriverMissingException.class)
                .hasMessageContaining("com.microsoft.sqlserver.jdbc.SQLServerDriver");
    }
}
