package io.stowage.es;

import io.stowage.testing.core.TestVectors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The reference vectors of test-vectors/es-segments, read from the repository copy. */
public final class Vectors {
    /** One record of records.json, with its payload's offset in expected-full.ts. */
    public record Rec(String key, long utcNs, long pcr, int size, long fullOffset) {
    }

    public static final Instant FIRST_START = Instant.ofEpochSecond(1735732796);
    public static final Instant LAST_END = Instant.ofEpochSecond(1735732824);

    private static final Pattern REC = Pattern.compile(
            "\\{\"key\": \"([^\"]+)\", \"utc_ns\": (\\d+), \"pcr_27mhz\": (\\d+), \"size\": (\\d+)}");

    private Vectors() {
    }

    public static Path root() {
        return TestVectors.esSegments();
    }

    public static Path segments() {
        return root().resolve("segments");
    }

    public static byte[] expectedFull() {
        try {
            return Files.readAllBytes(root().resolve("expected-full.ts"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Rec> records() {
        try {
            String json = Files.readString(root().resolve("records.json"));
            Matcher m = REC.matcher(json);
            List<Rec> out = new ArrayList<>();
            long off = 0;
            while (m.find()) {
                int size = Integer.parseInt(m.group(4));
                out.add(new Rec(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), size, off));
                off += size;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Segment keys in time order. */
    public static List<String> keys() {
        Map<String, Boolean> keys = new LinkedHashMap<>();
        for (Rec r : records()) {
            keys.put(r.key(), true);
        }
        return new ArrayList<>(keys.keySet());
    }

    /** The payload bytes of the given records, in order. */
    public static byte[] payloadOf(Collection<Rec> recs) {
        byte[] full = expectedFull();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Rec r : recs) {
            out.write(full, (int) r.fullOffset(), r.size());
        }
        return out.toByteArray();
    }

    /** The payload of whole segments. */
    public static byte[] payloadOfKeys(Collection<String> keys) {
        List<Rec> sel = new ArrayList<>();
        for (Rec r : records()) {
            if (keys.contains(r.key())) {
                sel.add(r);
            }
        }
        return payloadOf(sel);
    }

    /** Copies the vector segments into {@code dir} (same layout) for tests that damage them. */
    public static Path copySegments(Path dir) {
        Path src = segments();
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dir.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** Compares byte arrays, naming the first differing offset instead of printing both arrays. */
    public static void assertSameBytes(byte[] actual, byte[] expected) {
        int n = Math.min(actual.length, expected.length);
        for (int i = 0; i < n; i++) {
            if (actual[i] != expected[i]) {
                throw new AssertionError("bytes differ first at offset " + i + " (packet " + i / 188 + "): got "
                        + (actual[i] & 0xFF) + ", expected " + (expected[i] & 0xFF) + "; lengths " + actual.length
                        + " and " + expected.length);
            }
        }
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length
                    + " (equal up to the shorter)");
        }
    }

    /** Offsets of the record headers of a segment file (valid files only). */
    public static List<Long> recordOffsets(Path segment) {
        try {
            byte[] b = Files.readAllBytes(segment);
            List<Long> out = new ArrayList<>();
            int off = 0;
            while (off + 27 <= b.length) {
                out.add((long) off);
                long size = java.nio.ByteBuffer.wrap(b, off + 19, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                off += 27 + (int) size;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records of one key, in order. */
    public static List<Rec> recordsOf(String key) {
        return records().stream().filter(r -> r.key().equals(key)).toList();
    }

    /** Removes the discontinuity packets the stitcher inserts (adaptation-only, flag set, all stuffing). */
    public static byte[] withoutInsertedDiscontinuities(byte[] ts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p = 0; p + 188 <= ts.length; p += 188) {
            boolean inserted = ((ts[p + 3] >> 4) & 3) == 2 && (ts[p + 4] & 0xFF) == 183 && (ts[p + 5] & 0xFF) == 0x80
                    && (ts[p + 6] & 0xFF) == 0xFF && (ts[p + 187] & 0xFF) == 0xFF;
            if (!inserted) {
                out.write(ts, p, 188);
            }
        }
        return out.toByteArray();
    }
}
