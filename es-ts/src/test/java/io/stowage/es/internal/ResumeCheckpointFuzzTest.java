package io.stowage.es.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsResumeException;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;
import io.stowage.es.EsToTsParser;
import io.stowage.es.Vectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tampered resume checkpoints (issue 17): any field replaced by any JSON value, removed, or the document cut short.
 * A resume either refuses with {@link EsResumeException} (saying to re-run without --resume) or gives exactly the
 * bytes of an uninterrupted fetch; never another exception, never an error such as StackOverflowError or OOM (this
 * class runs in the 256 MiB small-heap execution). jqwik has no {@code @TempDir}: the files live in one folder under
 * the build directory, made before and deleted after the container.
 */
class ResumeCheckpointFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path base;
    private static byte[] part;
    private static ObjectNode good;
    private static int run;
    private static final String DEEP = "@@deep@@";
    private static final java.util.regex.Pattern DEEP_VALUE = java.util.regex.Pattern.compile("\"" + DEEP
            + "(\\d+)@\"");

    @BeforeContainer
    static void interruptOnce() throws Exception {
        base = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "resume-fuzz-");
        Path out = base.resolve("seed.ts");
        EsFetchOptions o = EsFetchOptions.defaults().withCheckpointInterval(Duration.ZERO)
                .withListener(new EsFetchListener() {
                    int n;

                    @Override
                    public void onSegment(EsSegment segment, long bytesSoFar) {
                        if (++n == 4) {
                            throw new IllegalStateException("simulated crash");
                        }
                    }
                });
        Throwable t = catchThrowable(() -> EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()), o)
                .fetch(Vectors.FIRST_START, Vectors.LAST_END, out));
        assertThat(t).hasMessage("simulated crash");
        part = Files.readAllBytes(base.resolve("seed.ts.part"));
        good = (ObjectNode) JSON.readTree(Files.readString(base.resolve("seed.ts.part.json")));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<JsonNode> values() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return Arbitraries.oneOf(
                Arbitraries.longs().map(n -> (JsonNode) f.numberNode(n)),
                Arbitraries.of(0L, -1L, 1L, 188L, (long) Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
                        4294967296L).map(n -> (JsonNode) f.numberNode(n)),
                Arbitraries.integers().between(-5, 400_000).map(n -> (JsonNode) f.numberNode(n * 188L)),
                Arbitraries.doubles().map(n -> (JsonNode) f.numberNode(n)),
                Arbitraries.strings().ofMaxLength(40).map(t -> (JsonNode) f.textNode(t)),
                Arbitraries.of("2025-01-01T12:00:00Z", "yesterday", "+999999999-12-31T23:59:59Z", "")
                        .map(t -> (JsonNode) f.textNode(t)),
                Arbitraries.just((JsonNode) f.nullNode()),
                Arbitraries.of(true, false).map(b -> (JsonNode) f.booleanNode(b)),
                // nesting deeper than Jackson writes: a marker that check() expands in the text
                Arbitraries.integers().between(0, 200_000).map(depth -> (JsonNode) f.textNode(DEEP + depth + "@")),
                Arbitraries.longs().list().ofMaxSize(6).map(l -> {
                    var a = f.arrayNode();
                    l.forEach(a::add);
                    return (JsonNode) a;
                }),
                Arbitraries.integers().between(0, 50_000).map(n -> {
                    var a = f.arrayNode();
                    for (int i = 0; i < n; i++) {
                        a.add("k" + i);
                    }
                    return (JsonNode) a;
                }),
                Arbitraries.just((JsonNode) f.objectNode().put("key", "x").put("offset", -1).put("length", 5)));
    }

    @Provide
    Arbitrary<String> fields() {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = good.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        names.add("gaps[0]");
        names.add("failed[0]");
        names.add("corrupt[0]");
        return Arbitraries.of(names);
    }

    @Property(tries = 250)
    void tamperedFieldIsRefusedOrResumesToTheRightBytes(@ForAll("fields") String field,
            @ForAll("values") JsonNode value, @ForAll boolean remove) throws Exception {
        ObjectNode cp = good.deepCopy();
        if (field.endsWith("[0]")) {
            String list = field.substring(0, field.length() - 3);
            cp.withArray(list).insert(0, value);
        } else if (remove) {
            cp.remove(field);
        } else {
            cp.set(field, value);
        }
        check(JSON.writeValueAsString(cp));
    }

    @Property(tries = 60)
    void checkpointCutShortIsRefused(@ForAll("cuts") int cut) throws Exception {
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(good);
        check(text.substring(0, Math.min(cut, text.length() - 1)));
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 4000);
    }

    private static void check(String json) throws Exception {
        String state = DEEP_VALUE.matcher(json).replaceAll(m -> {
            int depth = Integer.parseInt(m.group(1));
            return "[".repeat(depth) + "1" + "]".repeat(depth);
        });
        Path dir = Files.createDirectories(base.resolve("run-" + run++));
        Path out = dir.resolve("clip.ts");
        Files.write(dir.resolve("clip.ts.part"), part);
        Files.writeString(dir.resolve("clip.ts.part.json"), state);
        Throwable t = catchThrowable(() -> EsToTsParser.create(EsSegmentStore.directory(Vectors.segments()),
                EsFetchOptions.defaults().withResume(true)).fetch(Vectors.FIRST_START, Vectors.LAST_END, out));
        if (t != null) {
            assertThat(t).isInstanceOf(EsResumeException.class);
            assertThat(t.getMessage()).containsAnyOf("without --resume", "--force");
            assertThat(out).doesNotExist();
        } else {
            // counters are not checked against the bytes they describe; the bytes must be right
            Vectors.assertSameBytes(Files.readAllBytes(out), Vectors.expectedFull());
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
