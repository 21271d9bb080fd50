package io.stowage.des.s3;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.des.DesEntry;
import io.stowage.des.DesVerifyReport;
import io.stowage.testing.EmbeddedS3Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every reference vector uploaded to the store reads back with the manifest's names, sizes, META and sha256. */
class S3ReferenceVectorsTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    void uploadVectors() throws Exception {
        Path dir = Fixtures.vectors().resolve("des-v1");
        for (String a : new String[] {"empty", "small", "external", "many"}) {
            Fixtures.put(S3.client(), S3.bucket(), "2025-01-15/shard_07/" + a + ".des",
                    Files.readAllBytes(dir.resolve(a + ".des")));
        }
        Path ext = dir.resolve("external_objects/2025-01-15/shard_07/_bigFiles/b_big");
        Fixtures.put(S3.client(), S3.bucket(), "2025-01-15/shard_07/_bigFiles/b_big", Files.readAllBytes(ext));
    }

    @Test
    void readsEveryReferenceVectorFromTheStore() throws Exception {
        uploadVectors();
        JsonNode manifest = Fixtures.manifest();
        for (String a : new String[] {"empty", "small", "external", "many"}) {
            JsonNode expected = manifest.get(a);
            try (S3DesReader r = S3DesReader.open(S3.client(), S3.bucket(), "2025-01-15/shard_07/" + a + ".des")) {
                List<DesEntry> entries = r.list();
                assertThat(entries).as(a).hasSize(expected.size());
                List<String> names = new ArrayList<>();
                for (int i = 0; i < expected.size(); i++) {
                    JsonNode m = expected.get(i);
                    String name = m.get("name").asText();
                    String sha = m.get("sha256").asText();
                    DesEntry e = entries.get(i);
                    names.add(name);
                    assertThat(e.name()).isEqualTo(name);
                    assertThat(e.size()).isEqualTo(m.get("size").asLong());
                    assertThat(Fixtures.sha256(r.read(name))).as(a + "/" + name).isEqualTo(sha);
                    // META: the manifest's plus size (and the external keys, which the manifest also lists)
                    Map<String, Object> stored = r.meta(name);
                    JsonNode want = m.get("meta");
                    if (want.isNull()) {
                        assertThat(stored).containsOnlyKeys("size");
                    } else {
                        assertThat(Fixtures.JSON.writeValueAsString(stored)).as(a + "/" + name).isEqualTo(want.toString());
                    }
                    assertThat(stored.get("size")).isEqualTo(m.get("size").asLong());
                    if (expected.size() > 20 && i % 10 != 3) {
                        continue;   // many.des: every entry by read() and readAll, the other paths on a tenth
                    }
                    byte[] into = new byte[(int) e.size() + 5];
                    assertThat(r.read(name, into, 5)).isEqualTo(e.size());
                    assertThat(Fixtures.sha256(ByteBuffer.wrap(into, 5, (int) e.size()))).isEqualTo(sha);
                    try (InputStream in = r.openStream(name)) {
                        assertThat(Fixtures.sha256(ByteBuffer.wrap(in.readAllBytes()))).isEqualTo(sha);
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    assertThat(r.transferTo(name, Channels.newChannel(out))).isEqualTo(e.size());
                    assertThat(Fixtures.sha256(ByteBuffer.wrap(out.toByteArray()))).isEqualTo(sha);
                }
                Map<String, ByteBuffer> all = r.readAll(names);
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(Fixtures.sha256(all.get(names.get(i)))).isEqualTo(expected.get(i).get("sha256")
                            .asText());
                }
                DesVerifyReport rep = r.verify();
                assertThat(rep.problems()).isEmpty();
                assertThat(rep.entries()).isEqualTo(expected.size());
                assertThat(r.index().footer().hasCrc32c()).isFalse();
            }
        }
    }

    @Test
    void externalEntriesFollowExternalKeyInTheArchiveBucket() throws Exception {
        uploadVectors();
        try (S3DesReader r = S3DesReader.builder(S3.client(), "s3://" + S3.bucket()
                + "/2025-01-15/shard_07/external.des").open()) {
            DesEntry big = r.entry("b_big");
            assertThat(big.isExternal()).isTrue();
            assertThat(r.options().externalKeyOf(big)).isEqualTo("2025-01-15/shard_07/_bigFiles/b_big");
            assertThat(r.read("b_big").remaining()).isEqualTo(300_000);
        }
    }
}
