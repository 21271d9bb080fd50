package io.stowage.des.ingest;

import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeIdLeaseTest {
    @RegisterExtension
    static final PgSchemaExtension pg = PgSchemaExtension.of("nodelease");
    @TempDir
    static Path dir;

    private static IngestDatabase open(String kind) {
        IngestDatabase db = IngestDatabase.open(kind.equals("pg") ? pg.url() : dir.resolve("leases.db").toString());
        db.migrate();
        return db;
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg", "sqlite"})
    void aHeldNodeIdIsRefusedNamingTheHolderAndFreedOnClose(String kind) {
        try (IngestDatabase db = open(kind)) {
            NodeIdLease a = NodeIdLease.acquire(db, 7, "host-a-1", Duration.ofSeconds(30));
            assertThat(a.nodeId()).isEqualTo(7);
            assertThat(a.isLost()).isFalse();
            assertThatThrownBy(() -> NodeIdLease.acquire(db, 7, "host-b-2", Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(DesIngestNodeIdHeldException.class, e -> {
                        assertThat(e.holder()).isEqualTo("host-a-1");
                        assertThat(e.nodeId()).isEqualTo(7);
                    })
                    .hasMessageContaining("node id 7 is held by host-a-1");
            // the same holder name does not get a live lease either (a restarted process in a container may reuse it)
            assertThatThrownBy(() -> NodeIdLease.acquire(db, 7, "host-a-1", Duration.ofSeconds(30)))
                    .isInstanceOf(DesIngestNodeIdHeldException.class);
            try (NodeIdLease other = NodeIdLease.acquire(db, 8, "host-b-2", Duration.ofSeconds(30))) {
                assertThat(other.isLost()).isFalse();
            }
            a.close();
            assertThat(a.isLost()).isTrue();
            try (NodeIdLease b = NodeIdLease.acquire(db, 7, "host-b-2", Duration.ofSeconds(30))) {
                assertThat(b.holder()).isEqualTo("host-b-2");
                assertThat(b.renewNow()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg", "sqlite"})
    void anExpiredLeaseIsTakenOverAndItsOldHolderSeesItLost(String kind) {
        try (IngestDatabase db = open(kind)) {
            AtomicReference<String> reason = new AtomicReference<>();
            NodeIdLease a = NodeIdLease.acquire(db, 9, "dead-1", Duration.ofSeconds(60), new NodeIdLease.Listener() {
                @Override
                public void onLost(int nodeId, String why) {
                    reason.set(why);
                }
            });
            // the holder "dies": its lease expires (moved into the past rather than waiting)
            db.execute("UPDATE des_node_leases SET expires_at = ? WHERE node_id = 9",
                    db.timestamp(java.time.Instant.now().minusSeconds(5)));
            try (NodeIdLease b = NodeIdLease.acquire(db, 9, "alive-2", Duration.ofSeconds(60))) {
                assertThat(b.isLost()).isFalse();
                assertThat(a.renewNow()).isFalse();
                assertThat(a.isLost()).isTrue();
                assertThat(reason.get()).contains("taken over");
                assertThat(a.lostReason()).contains("taken over");
                a.close();   // must not free b's lease
                assertThat(b.renewNow()).isTrue();
                String holder = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT holder_id FROM des_node_leases WHERE node_id = 9").mapTo(String.class).one());
                assertThat(holder).isEqualTo("alive-2");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg", "sqlite"})
    void manyProcessesRacingForOneNodeIdGetItOnce(String kind) throws Exception {
        try (IngestDatabase db = open(kind)) {
            int n = 8;
            ExecutorService ex = Executors.newFixedThreadPool(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<NodeIdLease>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String holder = "racer-" + i;
                fs.add(ex.submit(() -> {
                    go.await();
                    try {
                        return NodeIdLease.acquire(db, 42, holder, Duration.ofSeconds(30));
                    } catch (DesIngestNodeIdHeldException e) {
                        return null;
                    }
                }));
            }
            go.countDown();
            List<NodeIdLease> won = new ArrayList<>();
            for (Future<NodeIdLease> f : fs) {
                NodeIdLease l = f.get();
                if (l != null) {
                    won.add(l);
                }
            }
            ex.shutdown();
            assertThat(won).hasSize(1);
            won.get(0).close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg"})
    void theHeartbeatKeepsAShortLeaseAlive(String kind) throws Exception {
        try (IngestDatabase db = open(kind);
             NodeIdLease a = NodeIdLease.acquire(db, 11, "beating-1", Duration.ofMillis(300))) {
            java.time.Instant first = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT expires_at FROM des_node_leases WHERE node_id = 11")
                    .map((rs, ctx) -> db.instant(rs, "expires_at")).one());
            // wait (bounded) until the heartbeat has moved the expiry on, then the lease is still ours
            java.time.Instant later = first;
            for (int i = 0; i < 200 && !later.isAfter(first); i++) {
                Thread.sleep(20);
                later = db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT expires_at FROM des_node_leases WHERE node_id = 11")
                        .map((rs, ctx) -> db.instant(rs, "expires_at")).one());
            }
            assertThat(later).isAfter(first);
            assertThatThrownBy(() -> NodeIdLease.acquire(db, 11, "other-2", Duration.ofSeconds(1)))
                    .isInstanceOf(DesIngestNodeIdHeldException.class);
        }
    }

    @org.junit.jupiter.api.Test
    void badArgumentsAreRefused() {
        try (IngestDatabase db = open("sqlite")) {
            assertThatThrownBy(() -> NodeIdLease.acquire(db, 256, "h", Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..255");
            assertThatThrownBy(() -> NodeIdLease.acquire(db, -1, "h", Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> NodeIdLease.acquire(db, 1, "h", Duration.ofMillis(10)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(NodeIdLease.defaultHolder()).endsWith("-" + ProcessHandle.current().pid());
    }
}
