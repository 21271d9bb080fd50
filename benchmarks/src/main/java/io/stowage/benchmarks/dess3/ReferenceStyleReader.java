package io.stowage.benchmarks.dess3;

import io.stowage.des.DesEntry;
import io.stowage.des.DesFooter;
import io.stowage.des.DesIndex;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.ByteBuffer;

/**
 * What the existing (reference) implementation does for one read, for comparison: HEAD for the size, a GET of the
 * 72-byte footer, a GET of META+INDEX, a GET of the payload: 4 requests, every read. Benchmark code only.
 */
final class ReferenceStyleReader {
    private ReferenceStyleReader() {
    }

    static byte[] read(S3Client s3, String bucket, String key, String name) {
        long size = s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
        byte[] f = s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + (size - 72) + "-" + (size - 1)),
                ResponseTransformer.toBytes()).asByteArrayUnsafe();
        String archive = "s3://" + bucket + "/" + key;
        DesFooter footer = DesFooter.parse(archive, size, ByteBuffer.wrap(f));
        byte[] tail = s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + footer.metaStart() + "-"
                + (size - 73)), ResponseTransformer.toBytes()).asByteArrayUnsafe();
        DesIndex index = DesIndex.parse(archive, footer, ByteBuffer.wrap(tail));
        DesEntry e = index.get(name);
        return s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + e.dataOffset() + "-"
                + (e.dataOffset() + e.size() - 1)), ResponseTransformer.toBytes()).asByteArrayUnsafe();
    }
}
