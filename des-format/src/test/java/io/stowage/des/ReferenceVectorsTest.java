package io.stowage.des;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Archives written by the reference implementation read byte for byte, and rewrite to identical bytes. */
class ReferenceVectorsTest {
    private static final String[] ARCHIVES = {"empty", "small", "external", "many"};

    static DesReadOptions options() {
        return DesReadOptions.defaults()
                .withExternalStore(ExternalStore.directory(Vectors.des("external_objects")));
    }

    static String sha256(ByteBuffer b) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(b.duplicate());
        return HexFormat.of().formatHex(md.digest());
    }

    /** The META the reference stores: the manifest's meta plus size (and the external keys). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> expectedStoredMeta(JsonNode m) {
        Map<String, Object> meta = m.get("meta").isNull() ? new LinkedHashMap<>()
                : Vectors.JSON.convertValue(m.get("meta"), LinkedHashMap.class);
        meta.put("size", m.get("size").asLong());
        return meta;
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "small", "external", "many"})
    void readsEveryReferenceVector(String archive) throws Exception {
        JsonNode expected = Vectors.manifest().get(archive);
        try (DesReader r = DesReader.open(Vectors.des(archive + ".des"), options())) {
            List<DesEntry> entries = r.list();
            assertThat(entries).hasSize(expected.size());
            assertThat(r.index().footer().hasCrc32c()).isFalse();
            for (int i = 0; i < expected.size(); i++) {
                JsonNode m = expected.get(i);
                DesEntry e = entries.get(i);
                String name = m.get("name").asText();
                assertThat(e.name()).isEqualTo(name);
                assertThat(e.size()).isEqualTo(m.get("size").asLong());
                assertThat(e.hasCrc32c()).isFalse();
                ByteBuffer bytes = r.read(name);
                assertThat(bytes.remaining()).isEqualTo(m.get("size").asInt());
                assertThat(sha256(bytes)).as(name).isEqualTo(m.get("sha256").asText());
                // every read path gives the same bytes
                byte[] into = new byte[(int) e.size() + 3];
                assertThat(r.read(name, into, 3)).isEqualTo(e.size());
                assertThat(sha256(ByteBuffer.wrap(into, 3, (int) e.size()))).isEqualTo(m.get("sha256").asText());
                try (InputStream in = r.openStream(name)) {
                    assertThat(sha256(ByteBuffer.wrap(in.readAllBytes()))).isEqualTo(m.get("sha256").asText());
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(r.transferTo(name, Channels.newChannel(out))).isEqualTo(e.size());
                assertThat(sha256(ByteBuffer.wrap(out.toByteArray()))).isEqualTo(m.get("sha256").asText());
                // META: numbers compare as longs, key order as stored
                Map<String, Object> stored = r.meta(name);
                Map<String, Object> want = expectedStoredMeta(m);
                assertThat(io.stowage.des.internal.MetaJson.encodeValue(stored)).as(name).isEqualTo(io.stowage.des.internal.MetaJson.encodeValue(want));
                assertThat(new ArrayList<>(stored.keySet())).isEqualTo(new ArrayList<>(want.keySet()));
            }
            List<String> names = new ArrayList<>();
            expected.forEach(m -> names.add(m.get("name").asText()));
            Map<String, ByteBuffer> all = r.readAll(names);
            assertThat(all.keySet()).containsExactlyElementsOf(names);
            for (JsonNode m : expected) {
                assertThat(sha256(all.get(m.get("name").asText()))).isEqualTo(m.get("sha256").asText());
            }
            assertThat(r.verify().ok()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "small", "external", "many"})
    void rewriteWithoutChecksumsIsByteIdentical(String archive, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Path out = tmp.resolve(archive + ".des");
        Path big = tmp.resolve("big");
        try (DesReader r = DesReader.open(Vectors.des(archive + ".des"), options());
             DesWriter w = DesWriter.builder(out).checksums(false)
                     .externalThreshold(200_000)
                     .externalStore(ExternalStore.directory(big), "2025-01-15/shard_07")
                     .build()) {
            for (DesEntry e : r.list()) {
                w.add(e.name(), r.read(e.name()), e.meta());
            }
            w.finish();
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(Vectors.des(archive + ".des")));
        if (archive.equals("external")) {
            Path ext = Path.of("2025-01-15/shard_07/_bigFiles/b_big");
            assertThat(Files.readAllBytes(big.resolve(ext)))
                    .isEqualTo(Files.readAllBytes(Vectors.des("external_objects").resolve(ext)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "external", "many"})
    void rewriteWithChecksumsAddsOnlyTheExtensions(String archive, @org.junit.jupiter.api.io.TempDir Path tmp) {
        Path out = tmp.resolve(archive + ".des");
        try (DesReader r = DesReader.open(Vectors.des(archive + ".des"), options());
             DesWriter w = DesWriter.builder(out).externalThreshold(200_000)
                     .externalStore(ExternalStore.directory(tmp.resolve("big")), "2025-01-15/shard_07").build()) {
            for (DesEntry e : r.list()) {
                w.add(e.name(), r.read(e.name()), e.meta());
            }
            w.finish();
        }
        try (DesReader ref = DesReader.open(Vectors.des(archive + ".des"), options());
             DesReader ours = DesReader.open(out, DesReadOptions.defaults()
                     .withExternalStore(ExternalStore.directory(tmp.resolve("big"))))) {
            assertThat(ours.index().footer().hasCrc32c()).isTrue();
            for (DesEntry e : ref.list()) {
                DesEntry o = ours.entry(e.name());
                assertThat(o.hasCrc32c()).isTrue();
                Map<String, Object> withoutCrc = new LinkedHashMap<>(o.meta());
                withoutCrc.remove("crc32c");
                assertThat(withoutCrc).isEqualTo(e.meta());
                assertThat(ours.read(e.name())).isEqualTo(ref.read(e.name()));
            }
            assertThat(ours.verify().ok()).isTrue();
        }
    }
}
