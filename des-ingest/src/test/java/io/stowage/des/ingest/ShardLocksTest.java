package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Section 1's lock statements on PostgreSQL and SQLite: exclusion, take-over after expiry, a lost lock noticed. */
class ShardLocksTest {
    @RegisterExtension
    final PgSchemaExtension pg = PgSchemaExtension.of("ingest_locks");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "sqlite"})
    void exclusionTakeOverAndLoss(String kind) throws Exception {
        try (IngestDatabase db = IngestDatabase.open(url(kind), 4)) {
            db.migrate();
            SimpleMeterRegistry reg = new SimpleMeterRegistry();
            List<String> lost = new CopyOnWriteArrayList<>();
            ShardLocks.Listener l = new ShardLocks.Listener() {
                @Override
                public void onLost(int shard, String reason) {
                    lost.add(shard + " " + reason);
                }
            };
            try (ShardLocks a = ShardLocks.create(db, "host-a-1", Duration.ofMillis(600), l, reg);
                 ShardLocks b = ShardLocks.create(db, "host-b-2", Duration.ofMillis(600), ShardLocks.Listener.none(),
                         reg)) {
                assertThat(a.tryAcquire(7)).isTrue();
                assertThat(a.tryAcquire(7)).as("re-acquire our own").isTrue();
                assertThat(b.tryAcquire(7)).isFalse();
                assertThat(reg.counter("des_shard_lock_conflicts_total", "shard_id", "7").count()).isEqualTo(1.0);
                Thread.sleep(900);      // heartbeats keep it
                assertThat(a.isHeld(7)).isTrue();
                assertThat(b.tryAcquire(7)).isFalse();
                // another holder takes the row over (as after an expiry): a's next renewal finds it taken
                db.execute("UPDATE des_shard_locks SET holder_id = 'host-b-2' WHERE shard_id = 7");
                long deadline = System.nanoTime() + 5_000_000_000L;
                // isHeld turns false first (writing stops at once), the listener hears it right after
                while ((a.isHeld(7) || lost.isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(a.isHeld(7)).isFalse();
                assertThat(lost).hasSize(1).first().asString().startsWith("7 the renewal found the lock");
                a.release(7);           // does not delete b's row
                assertThat(ShardLocks.liveHolders(db, java.time.Instant.now())).containsEntry(7, "host-b-2");
            }
        }
    }

    /** Hundreds of locks renewed together: all kept; one taken over by another holder is lost alone. */
    @ParameterizedTest
    @ValueSource(strings = {"postgres", "sqlite"})
    void manyLocksRenewedTogether(String kind) throws Exception {
        try (IngestDatabase db = IngestDatabase.open(url(kind), 4)) {
            db.migrate();
            List<Integer> lost = new CopyOnWriteArrayList<>();
            ShardLocks.Listener l = new ShardLocks.Listener() {
                @Override
                public void onLost(int shard, String reason) {
                    lost.add(shard);
                }
            };
            int n = ShardLocks.RENEW_CHUNK + 100;   // two renewal statements
            try (ShardLocks a = ShardLocks.create(db, "host-a-1", Duration.ofSeconds(2), l, new SimpleMeterRegistry())) {
                for (int s = 0; s < n; s++) {
                    assertThat(a.tryAcquire(s)).isTrue();
                }
                a.renewAll();
                Thread.sleep(2500);     // longer than the TTL: only renewals keep them
                assertThat(a.held()).hasSize(n);
                assertThat(lost).isEmpty();
                db.execute("UPDATE des_shard_locks SET holder_id = 'host-b-2' WHERE shard_id IN (42, "
                        + (ShardLocks.RENEW_CHUNK + 7) + ")");
                a.renewAll();
                assertThat(lost).containsExactlyInAnyOrder(42, ShardLocks.RENEW_CHUNK + 7);
                assertThat(a.held()).hasSize(n - 2).doesNotContain(42, ShardLocks.RENEW_CHUNK + 7);
            }
        }
    }

    /** The state database of one test: PostgreSQL (a schema of its own) or a SQLite file. */
    private String url(String kind) {
        return kind.equals("postgres") ? pg.url() : "jdbc:sqlite:" + tmp.resolve("state.db");
    }
}
