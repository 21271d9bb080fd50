package io.stowage.des.ingest;

import io.stowage.des.DesEntry;
import io.stowage.des.s3.S3DesReader;
import io.stowage.s3.IncompleteUploads;
import io.stowage.s3.S3Location;
import io.stowage.s3.S3Objects;
import io.stowage.testing.EmbeddedS3Extension;
import io.stowage.testing.core.PgSchemaExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real packer processes ({@link PackerMain}) over 5,000 rows in a PostgreSQL and a MariaDB source across 16
 * shards; ten of them are killed with SIGKILL at chosen moments (while writing, after a claim, while uploading, after
 * the upload before marking, after marking before the claims are cleared, during start-up recovery) and replaced;
 * lock TTL 2 s. The end state must equal a crash-free run: every row packed in exactly one uploaded container,
 * readable with S3DesReader, bytes equal to the source objects, META as section 2, no shard with two writers at once,
 * no claim, open container or incomplete upload left; SIGTERM ends each packer with exit 143.
 */
class PackerCrashTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
    @RegisterExtension
    static final PgSchemaExtension state = PgSchemaExtension.of("ingest_state");
    @RegisterExtension
    static final PgSchemaExtension source = PgSchemaExtension.of("ingest_src");
    static String mariaTable;

    @TempDir
    Path tmp;

    @BeforeAll
    static void schemas() {
        mariaTable = IngestFixtures.uniq("t_ingest_crash");
    }

    @AfterAll
    static void drop() throws Exception {
        try (Connection c = IngestFixtures.maria(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + mariaTable);
        }
    }

    record Child(Process p, Path out, String pause) {}

    private Child start(String stateUrl, Path yaml, String bucket, Path events, String pause, int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = tmp.resolve("packer-" + n + ".out");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), PackerMain.class.getName(), stateUrl, yaml.toString(),
                S3.endpoint().toString(), bucket, events.toString(), pause, "150")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Child(p, out, pause);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void threePackersKilledAtTenMomentsEndLikeACrashFreeRun() throws Exception {
        String pgTable = "files";
        Map<String, byte[]> pgObjects = IngestFixtures.objects("pg", 2500);
        Map<String, byte[]> mariaObjects = IngestFixtures.objects("maria", 2500);
        Map<String, byte[]> all = new HashMap<>(pgObjects);
        all.putAll(mariaObjects);
        IngestFixtures.upload(S3.client(), S3.bucket(), all);
        String archive = S3.newBucket("arch");
        try (Connection pg = DriverManager.getConnection(source.url())) {
            IngestFixtures.createTable(pg, source.schema() + "." + pgTable, true, true);
            IngestFixtures.insertRows(pg, source.schema() + "." + pgTable, S3.bucket(),
                    new ArrayList<>(pgObjects.keySet()), pgObjects, "pending");
        }
        try (Connection m = IngestFixtures.maria()) {
            IngestFixtures.createTable(m, mariaTable, false, true);
        }
        Path yaml = IngestFixtures.writeYaml(tmp,
                IngestFixtures.source("pg-files", "postgres", "127.0.0.1", 5432, "test", "postgres", "",
                        source.schema(), pgTable, 50, 2, 4),
                IngestFixtures.source("maria-files", "mariadb", "127.0.0.1", 3306, "test", "root", "", null,
                        mariaTable, 50, 2, 4));
        Path events = tmp.resolve("events.log");
        List<String> pauses = List.of("entries:40", "uploading", "uploaded", "claimed", "marked", "entries:1",
                "recovery", "uploading", "uploaded", "marked");
        List<Child> slots = new ArrayList<>();
        int started = 0;
        for (int i = 0; i < 3; i++) {
            slots.add(start(state.url(), yaml, archive, events, pauses.get(i), started++));
        }
        int next = 3;
        List<String> killedAt = new ArrayList<>();
        boolean secondWave = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (killedAt.size() < 10) {
            assertThat(System.nanoTime()).as("10 kills within the time limit; killed at %s", killedAt)
                    .isLessThan(deadline);
            if (!secondWave && killedAt.size() >= 4) {
                try (Connection m = IngestFixtures.maria()) {
                    IngestFixtures.insertRows(m, mariaTable, S3.bucket(), new ArrayList<>(mariaObjects.keySet()),
                            mariaObjects, "pending");
                }
                secondWave = true;
            }
            boolean killed = false;
            for (int i = 0; i < slots.size(); i++) {
                Child c = slots.get(i);
                String out = read(c.out());
                if (!c.p().isAlive()) {
                    throw new AssertionError("packer " + c.pause() + " ended by itself:\n" + out);
                }
                if (out.contains("PAUSED")) {
                    if (c.pause().equals("recovery")) {
                        Thread.sleep(150);      // inside the start-up recovery
                    }
                    c.p().destroyForcibly();    // SIGKILL
                    assertThat(c.p().waitFor(30, TimeUnit.SECONDS)).isTrue();
                    killedAt.add(c.pause());
                    slots.set(i, start(state.url(), yaml, archive, events,
                            next < pauses.size() ? pauses.get(next) : "none", started++));
                    next++;
                    killed = true;
                    break;
                }
            }
            if (!killed) {
                Thread.sleep(50);
            }
        }
        // the rest packs without kills; wait until every row is packed
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (unpacked() > 0) {
            for (Child c : slots) {
                assertThat(c.p().isAlive()).as("packer alive; output:%n%s", read(c.out())).isTrue();
            }
            assertThat(System.nanoTime()).as("all rows packed in time (left: %s)", unpacked()).isLessThan(end);
            Thread.sleep(200);
        }
        for (Child c : slots) {
            c.p().destroy();            // SIGTERM: finish, finalize, release, exit 143
        }
        for (Child c : slots) {
            assertThat(c.p().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(c.p().exitValue()).as("exit code after SIGTERM; output:%n%s", read(c.out())).isEqualTo(143);
        }
        assertThat(killedAt).hasSize(10);
        verifyFinalState(archive, all, events);
    }

    private long unpacked() throws Exception {
        long n = 0;
        try (Connection pg = DriverManager.getConnection(source.url()); Statement s = pg.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + source.schema() + ".files WHERE status <> "
                     + "'packed'")) {
            rs.next();
            n += rs.getLong(1);
        }
        try (Connection m = IngestFixtures.maria(); Statement s = m.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + mariaTable + " WHERE status <> 'packed'")) {
            rs.next();
            n += rs.getLong(1);
        }
        return n;
    }

    private void verifyFinalState(String archive, Map<String, byte[]> objects, Path events) throws Exception {
        // source rows: id -> (container, des_name)
        Map<String, long[]> rowContainer = new HashMap<>();
        Map<String, String> rowKey = new HashMap<>();
        Map<String, String> rowDesName = new HashMap<>();
        try (Connection pg = DriverManager.getConnection(source.url())) {
            readRows(pg, source.schema() + ".files", "pg-files", rowContainer, rowKey, rowDesName);
        }
        try (Connection m = IngestFixtures.maria()) {
            readRows(m, mariaTable, "maria-files", rowContainer, rowKey, rowDesName);
        }
        assertThat(rowContainer).hasSize(5000);
        assertThat(new HashSet<>(rowDesName.values())).as("DES names unique").hasSize(5000);

        Map<String, Long> seenIn = new HashMap<>();
        S3Objects s3o = S3Objects.create(S3.client());
        try (IngestDatabase db = IngestDatabase.open(state.url(), 2)) {
            ContainerCatalog cat = ContainerCatalog.of(db);
            List<Container> containers = cat.list(null, null);
            for (Container c : containers) {
                assertThat(c.state()).as("container %s", c).isIn(ContainerState.DONE, ContainerState.DISCARDED);
                assertThat(c.s3Key()).matches("\\d{4}-\\d{2}-\\d{2}/shard_\\d{2}(_p\\d+)?\\.des");
                assertThat(c.day()).isEqualTo(LocalDate.now(ZoneOffset.UTC));
                if (c.state() == ContainerState.DISCARDED) {
                    assertThat(c.status()).isEqualTo("failed");
                    assertThat(s3o.head(archive, c.s3Key())).as("no object of discarded %s", c).isEmpty();
                    continue;
                }
                assertThat(c.status()).isEqualTo("uploaded");
                try (S3DesReader r = S3DesReader.open(S3.client(), archive, c.s3Key())) {
                    List<DesEntry> entries = r.list();
                    assertThat(entries).hasSize(c.fileCount());
                    Map<String, ByteBuffer> bytes = r.readAll(entries.stream().map(DesEntry::name).toList());
                    for (DesEntry e : entries) {
                        Map<String, Object> m = e.meta();
                        assertThat(m.keySet()).containsExactlyInAnyOrder("source_db", "source_file_id",
                                "original_s3_bucket", "original_s3_key", "camera", "created_at", "size", "crc32c");
                        String row = m.get("source_db") + "/" + m.get("source_file_id");
                        assertThat(seenIn.put(row, c.id())).as("row %s in two containers", row).isNull();
                        assertThat(rowContainer.get(row)[0]).as("des_container_id of %s", row).isEqualTo(c.id());
                        assertThat(m.get("original_s3_key")).isEqualTo(rowKey.get(row));
                        assertThat(m.get("original_s3_bucket")).isEqualTo(S3.bucket());
                        assertThat(m.get("created_at")).isEqualTo("2025-01-15T10:00:00Z");
                        String k = rowKey.get(row);
                        String base = k.substring(k.lastIndexOf('/') + 1);
                        String clash = base.replace(".bin", "~" + m.get("source_db") + "-" + m.get("source_file_id")
                                + ".bin");   // two sources' keys with one file name in one shard: resolved, reported
                        assertThat(e.name()).isIn(base, clash);
                        ByteBuffer b = bytes.get(e.name());
                        byte[] got = new byte[b.remaining()];
                        b.get(got);
                        assertThat(got).as("bytes of %s", row).isEqualTo(objects.get(k));
                        IndexedEntry ie = NameIndex.of(db).find(rowDesName.get(row)).orElseThrow();
                        assertThat(ie.containerId()).isEqualTo(c.id());
                        assertThat(ie.entryName()).isEqualTo(e.name());
                        assertThat(ie.s3Key()).isEqualTo(c.s3Key());
                    }
                }
            }
            assertThat(seenIn).hasSize(5000);
            long claimsLeft = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM des_ingest_claims")
                    .mapTo(Long.class).one());
            assertThat(claimsLeft).as("claims left").isZero();
            assertThat(NameIndex.of(db).size()).isEqualTo(5000);
        }
        assertThat(IncompleteUploads.of(S3.client(), S3Location.of(archive, "")).list(Duration.ZERO))
                .as("incomplete multipart uploads").isEmpty();
        assertNoTwoWriters(events);
    }

    private static void readRows(Connection c, String table, String name, Map<String, long[]> container,
                                 Map<String, String> keys, Map<String, String> desNames) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, status, des_container_id, "
                + "des_name, s3_key, claimed_by, packed_at FROM " + table)) {
            while (rs.next()) {
                String row = name + "/" + rs.getLong(1);
                assertThat(rs.getString(2)).as("status of %s", row).isEqualTo("packed");
                assertThat(rs.getObject(7)).as("packed_at of %s", row).isNotNull();
                container.put(row, new long[] {rs.getLong(3)});
                desNames.put(row, rs.getString(4));
                keys.put(row, rs.getString(5));
            }
        }
    }

    /** From the writers' log: containers of one shard by different holders never overlap in time. */
    private static void assertNoTwoWriters(Path events) throws Exception {
        // shard -> container -> [holder, first, last]
        Map<Integer, Map<Long, Object[]>> byShard = new TreeMap<>();
        for (String line : Files.readAllLines(events)) {
            String[] f = line.split(" ");
            if (f.length < 5 || !(f[2].equals("WRITE") || f[2].equals("STEP"))) {
                continue;
            }
            long t = Long.parseLong(f[0]);
            int shard = Integer.parseInt(f[3]);
            long container = Long.parseLong(f[4]);
            Object[] v = byShard.computeIfAbsent(shard, k -> new LinkedHashMap<>())
                    .computeIfAbsent(container, k -> new Object[] {f[1], t, t});
            assertThat(v[0]).as("container %s written by one holder", container).isEqualTo(f[1]);
            v[1] = Math.min((long) v[1], t);
            v[2] = Math.max((long) v[2], t);
        }
        assertThat(byShard).isNotEmpty();
        for (Map.Entry<Integer, Map<Long, Object[]>> e : byShard.entrySet()) {
            List<Object[]> list = new ArrayList<>(e.getValue().values());
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    Object[] a = list.get(i);
                    Object[] b = list.get(j);
                    if (a[0].equals(b[0])) {
                        continue;
                    }
                    boolean overlap = (long) a[1] <= (long) b[2] && (long) b[1] <= (long) a[2];
                    assertThat(overlap).as("shard %s written by %s and %s at once", e.getKey(), a[0], b[0])
                            .isFalse();
                }
            }
        }
        Set<String> holders = new HashSet<>();
        byShard.values().forEach(m -> m.values().forEach(v -> holders.add((String) v[0])));
        assertThat(holders.size()).as("several packers wrote").isGreaterThanOrEqualTo(3);
    }
}
