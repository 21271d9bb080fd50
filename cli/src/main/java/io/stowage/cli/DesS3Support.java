package io.stowage.cli;

import io.stowage.des.DesArchive;
import io.stowage.des.DesEntry;
import io.stowage.des.DesIndex;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesVerifyReport;
import io.stowage.des.s3.IndexCache;
import io.stowage.des.s3.RedisIndexCache;
import io.stowage.des.s3.S3DesReader;
import io.stowage.s3.S3Settings;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code stowage des ls|cat|verify} on {@code s3://BUCKET/KEY}: the options ({@code --endpoint}, {@code --region},
 * {@code --index-cache}) and the opening of an {@link S3DesReader} that owns its client and cache.
 */
final class DesS3Support {
    private DesS3Support() {
    }

    /** In-process index cache of the command line (always on). */
    static final long CAFFEINE_BYTES = 64L << 20;

    /** The S3 options of the DES read commands; they apply to {@code s3://} archives only. */
    static final class S3Options {
        @Option(names = "--endpoint", paramLabel = "URL",
                description = "S3-compatible endpoint for s3:// archives, e.g. http://127.0.0.1:9000 (default:"
                        + " $STOWAGE_S3_ENDPOINT, else AWS).")
        String endpoint;

        @Option(names = "--region", paramLabel = "REGION",
                description = "Signing region for s3:// archives (default: AWS region chain; us-east-1 for other"
                        + " endpoints).")
        String region;

        @Option(names = "--index-cache", paramLabel = "URL",
                description = "Shared index cache for s3:// archives: redis://HOST:PORT (the in-process cache is"
                        + " always on). A Redis that is down only costs a warning.")
        String indexCache;
    }

    static boolean isS3(String archive) {
        return archive.startsWith("s3://");
    }

    /** Opens a local path or an {@code s3://BUCKET/KEY} archive. */
    static DesArchive open(String archive, DesCommand.ExternalRoot ext, S3Options s3) {
        if (!isS3(archive)) {
            if (s3 != null && (s3.endpoint != null || s3.region != null || s3.indexCache != null)) {
                throw CliException.usage("--endpoint, --region and --index-cache apply to s3://BUCKET/KEY archives"
                        + " only; '" + archive + "' is a local path");
            }
            return DesCommand.open(Path.of(archive), ext);
        }
        S3Options o = s3 == null ? new S3Options() : s3;
        String rest = archive.substring(5);
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.endsWith("/")) {
            throw CliException.usage("ARCHIVE: '" + archive + "' does not name an archive object; use s3://BUCKET/KEY,"
                    + " e.g. s3://media/2025-01-15/day.des");
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        S3Settings settings = S3Cli.settings("--endpoint", o.endpoint, o.region);
        IndexCache cache = IndexCache.caffeine(CAFFEINE_BYTES);
        if (o.indexCache != null) {
            try {
                cache = IndexCache.layered(cache, RedisIndexCache.builder(o.indexCache).build());
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--index-cache: " + e.getMessage());
            }
        }
        S3Client client = settings.withMaxConnections(16).newClient();
        boolean ok = false;
        try {
            DesReadOptions options = ext.options(key);
            S3DesReader r = S3DesReader.builder(client, bucket, key).options(options).indexCache(cache).open();
            ok = true;
            return new Owning(r, client, cache);
        } finally {
            if (!ok) {
                client.close();
                cache.close();
            }
        }
    }

    /** An S3 archive that closes its client and cache with it. */
    private static final class Owning implements DesArchive {
        private final S3DesReader r;
        private final S3Client client;
        private final IndexCache cache;

        Owning(S3DesReader r, S3Client client, IndexCache cache) {
            this.r = r;
            this.client = client;
            this.cache = cache;
        }

        @Override
        public String name() {
            return r.name();
        }

        @Override
        public DesIndex index() {
            return r.index();
        }

        @Override
        public List<DesEntry> list() {
            return r.list();
        }

        @Override
        public DesEntry entry(String name) {
            return r.entry(name);   // a miss in a cached index is confirmed against the store
        }

        @Override
        public boolean contains(String name) {
            return r.contains(name);
        }

        @Override
        public Map<String, Object> meta(String name) {
            return r.meta(name);
        }

        @Override
        public InputStream openVerified(String name) {
            return r.openVerified(name);
        }

        @Override
        public ByteBuffer read(String name) {
            return r.read(name);
        }

        @Override
        public int read(String name, byte[] dst, int offset) {
            return r.read(name, dst, offset);
        }

        @Override
        public InputStream openStream(String name) {
            return r.openStream(name);
        }

        @Override
        public InputStream openStream(DesEntry entry) {
            return r.openStream(entry);
        }

        @Override
        public long transferTo(String name, WritableByteChannel target) {
            return r.transferTo(name, target);
        }

        @Override
        public Map<String, ByteBuffer> readAll(Collection<String> names) {
            return r.readAll(names);
        }

        @Override
        public DesVerifyReport verify() {
            return r.verify();
        }

        @Override
        public void close() {
            try {
                r.close();
            } finally {
                try {
                    cache.close();
                } finally {
                    client.close();
                }
            }
        }
    }
}
