package io.stowage.des.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.s3.S3Objects;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CrashRecovery} and the containers of live packers and of discarded ones: the multipart upload of a packer
 * that is alive (its heartbeat is fresh) is never aborted, even while it does not hold its shard's lock; once its
 * heartbeat has expired the container is resolved. An archive that appears under a discarded container's key (a
 * stalled packer's late upload whose writer died before deleting it) is found and deleted; an object that was under
 * the key before the container existed is someone else's and stays.
 */
class RecoveryLiveAndOrphanTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    final PgSchemaExtension pg = PgSchemaExtension.of("ingest_live");

    @TempDir
    Path tmp;

    private static List<String> uploadsOf(String bucket) {
        return S3.client().listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).build())
                .uploads().stream().map(MultipartUpload::key).toList();
    }

    private static void put(String bucket, String key, byte[] body) {
        S3.client().putObject(PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromBytes(body));
    }

    /** A source of 10 rows, the first five claimed by {@code holder} for a container of it on shard 1. */
    private Container claimedContainer(IngestDatabase db, String archive, String holder, Instant at, List<Long> ids)
            throws Exception {
        Container c = ContainerCatalog.of(db).reserve(1, LocalDate.now(ZoneOffset.UTC), archive, "", holder, at, 1);
        try (Connection conn = DriverManager.getConnection(pg.url()); Statement s = conn.createStatement()) {
            s.execute("UPDATE " + pg.schema() + ".files SET status = 'claimed', claimed_by = '" + holder + "', "
                    + "claimed_at = now() WHERE id <= " + ids.get(4));
        }
        for (int i = 0; i <= 4; i++) {
            db.execute("INSERT INTO des_ingest_claims (source_db, source_row_id, holder_id, shard_id, claimed_at, "
                    + "container_id, entry_name, des_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "pg-live",
                    String.valueOf(ids.get(i)), holder, 1, db.timestamp(at), c.id(), "e" + i, null);
        }
        return c;
    }

    private SourceConnector source(List<Long> ids) throws Exception {
        Map<String, byte[]> objects = IngestFixtures.objects("live", 10);
        IngestFixtures.upload(S3.client(), S3.bucket(), objects);
        try (Connection c = DriverManager.getConnection(pg.url())) {
            IngestFixtures.createTable(c, pg.schema() + ".files", true, true);
            ids.addAll(IngestFixtures.insertRows(c, pg.schema() + ".files", S3.bucket(),
                    new ArrayList<>(objects.keySet()), objects, "pending"));
        }
        Path yaml = IngestFixtures.writeYaml(tmp, IngestFixtures.source("pg-live", "postgres", "127.0.0.1", 5432,
                "test", "postgres", "", pg.schema(), "files", 25, 300, 2));
        return SourceConnector.open(SourceConfig.load(yaml).sources().get(0));
    }

    @Test
    void aLivePackersUploadIsNotAbortedUntilItsHeartbeatExpires() throws Exception {
        String archive = S3.newBucket("live-arch");
        List<Long> ids = new ArrayList<>();
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4); SourceConnector src = source(ids)) {
            db.migrate();
            Container c = claimedContainer(db, archive, "live-1", Instant.now(), ids);
            // it is writing: its multipart upload is open; it is alive (fresh heartbeat) but holds no shard lock
            // right now (a renewal that came late, or a lock it is about to find lost)
            S3.client().createMultipartUpload(CreateMultipartUploadRequest.builder().bucket(archive)
                    .key(c.s3Key()).build());
            new PackerSupport(db, new SimpleMeterRegistry()).heartbeat("live-1", Instant.now(), Duration.ofMinutes(5));
            RecoveryOptions ro = RecoveryOptions.defaults(archive).withHolder("recover-1")
                    .withRegistry(new SimpleMeterRegistry());

            RecoveryReport r = CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(r.uploadsAborted()).as("a live packer's upload").isZero();
            assertThat(r.containersDiscarded()).isZero();
            assertThat(uploadsOf(archive)).containsExactly(c.s3Key());
            assertThat(ContainerCatalog.of(db).get(c.id()).orElseThrow().state()).isEqualTo(ContainerState.WRITING);
            assertThat(src.countByStatus()).containsEntry("claimed", 5L);

            // the packer died: its heartbeat expires, and the next pass aborts, discards and releases
            db.execute("UPDATE des_ingest_packers SET expires_at = ? WHERE holder_id = ?",
                    db.timestamp(Instant.now().minusSeconds(60)), "live-1");
            Thread.sleep(1100);     // S3 times have whole seconds: the upload's start is in the past now
            RecoveryReport r2 = CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(r2.uploadsAborted()).as("%s", r2).isEqualTo(1);
            assertThat(r2.containersDiscarded()).isEqualTo(1);
            assertThat(uploadsOf(archive)).isEmpty();
            assertThat(ContainerCatalog.of(db).get(c.id()).orElseThrow().state())
                    .isEqualTo(ContainerState.DISCARDED);
            assertThat(src.countByStatus()).containsExactly(Map.entry("pending", 10L));
        }
    }

    @Test
    void anArchiveUnderADiscardedKeyIsDeletedAndAForeignOneStays() throws Exception {
        String archive = S3.newBucket("orphan-arch");
        List<Long> ids = new ArrayList<>();
        S3Objects objects = S3Objects.create(S3.client());
        try (IngestDatabase db = IngestDatabase.open(pg.url(), 4); SourceConnector src = source(ids)) {
            db.migrate();
            ContainerCatalog cat = ContainerCatalog.of(db);
            Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
            Container dead = claimedContainer(db, archive, "dead-2", hourAgo, ids);
            RecoveryOptions ro = RecoveryOptions.defaults(archive).withHolder("recover-2")
                    .withRegistry(new SimpleMeterRegistry());
            RecoveryReport first = CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(first.containersDiscarded()).isEqualTo(1);
            assertThat(first.orphansDeleted()).isZero();

            // the writer had only stalled: its upload completes now, and it dies before it can delete the object
            put(archive, dead.s3Key(), "a late archive".getBytes());
            String ext = dead.externalPrefix() + "/_bigFiles/late.bin";
            put(archive, ext, new byte[] {7});
            // another discarded container whose key held someone else's object before the container existed
            put(archive, ContainerCatalog.key("", LocalDate.now(ZoneOffset.UTC), 3, 1), "foreign".getBytes());
            Thread.sleep(1100);     // S3 times have whole seconds
            Container taken = cat.reserve(3, LocalDate.now(ZoneOffset.UTC), archive, "", "dead-3", Instant.now(), 1);
            assertThat(taken.s3Key()).isEqualTo(ContainerCatalog.key("", LocalDate.now(ZoneOffset.UTC), 3, 1));
            cat.transition(taken.id(), ContainerState.WRITING, ContainerState.DISCARDED, Instant.now());

            RecoveryReport dry = CrashRecovery.create(db, List.of(src), S3.client(), ro.withDryRun(true)).run();
            assertThat(dry.orphansDeleted()).isEqualTo(1);
            assertThat(objects.head(archive, dead.s3Key())).as("a dry run deletes nothing").isPresent();

            RecoveryReport r = CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(r.orphansDeleted()).isEqualTo(1);
            assertThat(r.actions()).anyMatch(a -> a.contains(dead.s3Key()) && a.contains("deleted"));
            assertThat(objects.head(archive, dead.s3Key())).as("the orphan archive").isEmpty();
            assertThat(objects.head(archive, ext)).as("its external object").isEmpty();
            assertThat(cat.get(dead.id()).orElseThrow().verified()).isEqualTo("orphan-deleted");
            assertThat(objects.head(archive, taken.s3Key())).as("the foreign object").isPresent();
            assertThat(cat.get(taken.id()).orElseThrow().verified()).isEqualTo("foreign-object");

            RecoveryReport again = CrashRecovery.create(db, List.of(src), S3.client(), ro).run();
            assertThat(again.orphansDeleted()).isZero();
            assertThat(objects.head(archive, taken.s3Key())).isPresent();
            assertThat(src.countByStatus()).containsExactly(Map.entry("pending", 10L));
        }
    }
}
