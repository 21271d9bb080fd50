package io.stowage.des.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.testing.core.TestVectors;
import io.stowage.des.DesWriter;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Shared test helpers: vectors, archives built locally, uploads. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static Path vectors() {
        return TestVectors.root();
    }

    static JsonNode manifest() {
        try {
            return JSON.readTree(vectors().resolve("des-v1/manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deterministic bytes for entry {@code i}. */
    static byte[] payload(int i, int size) {
        byte[] b = new byte[size];
        new Random(1000L + i).nextBytes(b);
        return b;
    }

    /** Entry names e0000, e0001, ... with {@link #payload} bytes of {@code size}. */
    static Map<String, byte[]> entries(int count, int size) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            m.put(String.format("e%04d", i), payload(i, size));
        }
        return m;
    }

    /** Builds an archive in {@code dir} and returns its bytes. */
    static byte[] archive(Path dir, Map<String, byte[]> entries, boolean checksums) {
        try {
            Path f = Files.createTempFile(dir, "a", ".des");
            Files.delete(f);
            try (DesWriter w = DesWriter.builder(f).checksums(checksums).build()) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    w.add(e.getKey(), e.getValue(), Map.of("n", e.getKey()));
                }
                w.finish();
            }
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void put(S3Client s3, String bucket, String key, byte[] bytes) {
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    static String sha256(ByteBuffer b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b.duplicate());
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
