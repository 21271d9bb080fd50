package io.stowage.examples;

import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsFetchReport;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsToTsParser;
import io.stowage.es.TsCheckReport;
import io.stowage.es.TsChecker;
import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.S3Objects;
import io.stowage.s3.StreamUploadOptions;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The camera recording retrieval pipeline: the reference recorder's ES segments (24 s of H.264 + AAC across an hour
 * boundary, bundled from {@code test-vectors/es-segments}) are put into an in-process S3 endpoint, the whole range is
 * fetched with parallel workers and compared byte for byte with the original recording, then one segment is deleted
 * and another damaged, and a trimmed sub-range is fetched: the report names the gap and the corrupt bytes and
 * {@link TsChecker} finds no continuity error.
 *
 * <p>{@code new EsTsDemo().run(Files.createTempDirectory("es"), System.out);}
 *
 * <p>Stateless and thread-safe.
 */
public final class EsTsDemo implements DemoPipeline {
    private static final String RES = "/io/stowage/examples/es-segments/";
    private static final Pattern KEY = Pattern.compile("\"key\": \"([^\"]+)\"");

    @Override
    public String name() {
        return "es";
    }

    @Override
    public String description() {
        return "camera ES segments in S3 -> parallel fetch of a time range -> one valid MPEG-TS, checked";
    }

    @Override
    public void run(Path workDir, PrintStream out) throws Exception {
        Set<String> keys = segmentKeys();
        byte[] expected = resource("expected-full.ts");
        Instant from = Instant.parse("2025-01-01T11:59:56Z");
        Instant to = Instant.parse("2025-01-01T12:00:24Z");

        try (EmbeddedS3 s3 = EmbeddedS3.builder().directory(workDir.resolve("s3")).bucket("cams").start();
             S3Client client = s3.newClient()) {
            S3Objects objects = S3Objects.create(client);
            for (String k : keys) {
                objects.put("cams", "cam-01/" + k, new ByteArrayInputStream(resource("segments/" + k)),
                        StreamUploadOptions.defaults());
            }
            out.printf("put %d segments into %s/cams/cam-01/%n", keys.size(), s3.endpoint());
            EsSegmentStore store = EsSegmentStore.s3(client, "cams", "cam-01");

            // 1. the whole recording: byte-identical to what the recorder saw
            Path full = workDir.resolve("full.ts");
            EsFetchReport r = EsToTsParser.create(store, EsFetchOptions.defaults().withWorkers(4))
                    .fetch(from, to, full);
            check(r.complete(), "full fetch not complete: " + r);
            check(Arrays.equals(Files.readAllBytes(full), expected), "full fetch differs from the recording");
            TsCheckReport c = TsChecker.create().check(full);
            check(c.ok(), "TsChecker found errors in the full fetch: " + c.errors());
            out.printf("fetched %s .. %s: %d records, %d bytes, byte-identical to the recording; ts check: %d packets,"
                    + " %d continuity errors%n", from, to, r.records(), r.bytesWritten(), c.packets(), c.ccErrors());

            // 2. a recorder outage and a damaged segment, fetched trimmed
            String[] k = keys.toArray(new String[0]);
            objects.delete("cams", "cam-01/" + k[2]); // the recorder outage
            byte[] damaged = resource("segments/" + k[4]);
            damaged[27 * 5 + 1316 * 5 + 20] = 0x7F; // payload size of the sixth record
            objects.put("cams", "cam-01/" + k[4], new ByteArrayInputStream(damaged), StreamUploadOptions.defaults());
            Instant tf = Instant.parse("2025-01-01T12:00:01.500Z");
            Instant tt = Instant.parse("2025-01-01T12:00:18Z");
            Path clip = workDir.resolve("clip.ts");
            EsFetchReport d = EsToTsParser.create(store, EsFetchOptions.defaults().withWorkers(4).withTrim(true))
                    .fetch(tf, tt, clip);
            check(d.missing().size() == 1 && d.missing().get(0).equals(k[2]), "missing should be " + k[2]
                    + ": " + d.missing());
            check(d.corrupt().size() == 1 && d.corrupt().get(0).key().equals(k[4]), "corrupt should name " + k[4]
                    + ": " + d.corrupt());
            check(!d.gaps().isEmpty(), "the outage should be a gap");
            check(!d.actualStart().isAfter(tf), "trim should start at a keyframe at or before " + tf);
            TsCheckReport dc = TsChecker.create().check(clip);
            check(dc.ok() && dc.ccErrors() == 0, "TsChecker found errors in the repaired clip: " + dc.errors());
            out.printf("fetched %s .. %s trimmed, starting at the keyframe of %s: %d records, missing %s, corrupt"
                    + " %s at %d (%s)%n", tf, tt, d.actualStart(), d.records(), d.missing(), d.corrupt().get(0).key(),
                    d.corrupt().get(0).offset(), d.corrupt().get(0).reason());
            d.gaps().forEach(g -> out.printf("  gap %s .. %s (%s)%n", g.from(), g.to(), g.reason()));
            out.printf("ts check of the repaired clip: %d packets, %d continuity errors, %d discontinuities marked%n",
                    dc.packets(), dc.ccErrors(), dc.discontinuities());
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException("es demo check failed: " + message);
        }
    }

    /** The bundled segments' keys ({@code DDMMYYYY/HH/FROM-TO.es}), in recording order. */
    static Set<String> segmentKeys() {
        Set<String> keys = new LinkedHashSet<>();
        Matcher m = KEY.matcher(new String(resource("records.json"), StandardCharsets.UTF_8));
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    /** A bundled file of the reference recorder ({@code segments/KEY}, {@code expected-full.ts}, ...). */
    static byte[] resource(String name) {
        try (InputStream in = EsTsDemo.class.getResourceAsStream(RES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RES + name + " missing from the examples jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
