package io.stowage.s3;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the s3-io tests: deterministic files, MD5s, what a bucket holds. */
final class S3TestFiles {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private S3TestFiles() {}

    static String newBucket(EmbeddedS3 server, String hint) {
        String name = "b" + BUCKETS.incrementAndGet() + "-" + hint;
        server.createBucket(name);
        return name;
    }

    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path write(Path root, String rel, byte[] data) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return p;
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** key -> MD5 of the stored bytes (by GET, not by ETag). */
    static Map<String, String> contents(S3Client s3, String bucket, String prefix) {
        Map<String, String> m = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            byte[] data = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray();
            m.put(o.key(), md5(data));
        }
        return m;
    }
}
