package io.stowage.des.ingest;

import io.stowage.des.ShardHash;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DesNameServiceTest {
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("names");

    @BeforeAll
    static void schema() {
        try (IngestDatabase db = IngestDatabase.open(pg.url())) {
            db.migrate();
        }
    }

    @Test
    void twoInstancesAndManyThreadsNeverGiveTheSameNameAndAThirdWithAHeldNodeIdRefusesToStart() throws Exception {
        int calls = 10_000;
        Set<String> names = ConcurrentHashMap.newKeySet();
        ExecutorService ex = Executors.newFixedThreadPool(16);
        try (IngestDatabase db1 = IngestDatabase.open(pg.url());
             IngestDatabase db2 = IngestDatabase.open(pg.url());
             DesNameService a = DesNameService.start(db1, 1, 32, 8, Duration.ofSeconds(30));
             DesNameService b = DesNameService.start(db2, 2, 32, 8, Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> DesNameService.start(db1, 2, 32, 8, Duration.ofSeconds(30)))
                    .isInstanceOf(DesIngestNodeIdHeldException.class)
                    .hasMessageContaining("node id 2 is held by " + NodeIdLease.defaultHolder());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                DesNameService s = t % 2 == 0 ? a : b;
                String prefix = t % 4 < 2 ? "DES" : "CAM";
                fs.add(ex.submit(() -> {
                    go.await();
                    for (int i = 0; i < calls / 16; i++) {
                        DesNameService.Assignment x = s.assign(prefix, i % 2 == 0 ? null : Map.of("k", i));
                        assertThat(x.shardId()).isEqualTo(ShardHash.shardOf(x.name(), 8));
                        names.add(x.name().substring(prefix.length()));   // unique even without the prefix
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdown();
        }
        assertThat(names).hasSize(calls);
    }

    @Test
    void aNameCarriesItsDayAndShardAndBadPrefixesAreRefused() {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             DesNameService s = DesNameService.start(db, 30, 32, 4, Duration.ofSeconds(30))) {
            LocalDate before = LocalDate.now(ZoneOffset.UTC);
            DesNameService.Assignment a = s.assign("CAM7", null);
            LocalDate after = LocalDate.now(ZoneOffset.UTC);
            assertThat(a.name()).matches("CAM7_\\d{8}_\\([0-9A-F]{12}_[0-9A-F]{2}\\)");
            assertThat(a.day()).isBetween(before, after);
            assertThat(a.name()).contains(a.day().toString().replace("-", ""));
            assertThat(a.shardId()).isBetween(0L, 15L).isEqualTo(ShardHash.shardOf(a.name(), 4));
            assertThat(a.name().substring(23, 25)).as("node id byte").isEqualTo("1E");
            for (String bad : new String[]{"", "DES-1", "DES_", "Ü", "a b", "X".repeat(229)}) {
                assertThatThrownBy(() -> s.assign(bad, null)).as(bad)
                        .isInstanceOf(DesIngestInvalidPrefixException.class);
            }
            assertThatThrownBy(() -> s.assign(null, null)).isInstanceOf(DesIngestInvalidPrefixException.class);
            assertThat(s.assign("X".repeat(228), null).name()).hasSize(255);
        }
    }

    @Test
    void aLostLeaseStopsAssignment() {
        try (IngestDatabase db = IngestDatabase.open(pg.url());
             NodeIdLease lease = NodeIdLease.acquire(db, 31, "svc-1", Duration.ofSeconds(30))) {
            DesNameService s = DesNameService.create(lease, 32, 8);
            assertThat(s.isHealthy()).isTrue();
            db.execute("UPDATE des_node_leases SET lease_token = 'taken' WHERE node_id = 31");
            assertThat(lease.renewNow()).isFalse();
            assertThat(s.isHealthy()).isFalse();
            assertThatThrownBy(() -> s.assign("DES", null)).isInstanceOf(DesIngestNodeIdLostException.class);
        }
    }
}
