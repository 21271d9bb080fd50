package io.stowage.des;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snowflake names and consistent-hash shards exactly as the reference (test-vectors/names.json). */
class NamesTest {
    @Test
    void everyConsistentHashTripleMatches() {
        JsonNode triples = Vectors.json(Vectors.root().resolve("names.json")).get("consistent_hash");
        assertThat(triples.size()).isGreaterThan(100);
        for (JsonNode t : triples) {
            String value = t.get("value").asText();
            int bits = t.get("n_bits").asInt();
            BigInteger shard = t.get("shard").bigIntegerValue();
            assertThat(ShardHash.shardOfBig(value, bits)).as(value + "/" + bits).isEqualTo(shard);
            if (bits <= 63) {
                assertThat(ShardHash.shardOf(value, bits)).isEqualTo(shard.longValueExact());
            }
        }
    }

    @Test
    void everySnowflakeNameMatches() {
        JsonNode cases = Vectors.json(Vectors.root().resolve("names.json")).get("snowflake");
        assertThat(cases.size()).isGreaterThan(0);
        for (JsonNode c : cases) {
            long ms = c.get("epoch_ms").asLong();
            SnowflakeNames gen = SnowflakeNames.create(c.get("prefix").asText(), c.get("node_id").asInt(),
                    c.get("wrap_bits").asInt(), () -> ms);
            LocalDate day = LocalDate.parse(c.get("day").asText());
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                got.add(gen.next(day));
            }
            List<String> want = new ArrayList<>();
            c.get("names_for_first_3_calls_in_same_ms").forEach(n -> want.add(n.asText()));
            assertThat(got).isEqualTo(want);
        }
    }

    @Test
    void sequenceOverflowWaitsForTheNextMillisecondAndBackwardClockIsClamped() {
        AtomicLong now = new AtomicLong(1_000_000);
        AtomicLong calls = new AtomicLong();
        SnowflakeNames gen = SnowflakeNames.create("T", 1, 32, () -> {
            // the clock advances only after many calls: the generator must wait, not repeat
            return calls.incrementAndGet() > 300 ? now.get() + 1 : now.get();
        });
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 257; i++) {
            names.add(gen.next(LocalDate.of(2025, 1, 1)));
        }
        assertThat(names).hasSize(257);

        AtomicLong back = new AtomicLong(5_000);
        SnowflakeNames g2 = SnowflakeNames.create("T", 1, 32, back::get);
        String a = g2.next(LocalDate.of(2025, 1, 1));
        back.set(4_000); // clock goes back
        String b = g2.next(LocalDate.of(2025, 1, 1));
        assertThat(b).isNotEqualTo(a).isGreaterThan(a);
    }

    @Test
    void badGeneratorInputsAreRejected() {
        assertThatThrownBy(() -> SnowflakeNames.create("a_b", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("letters and digits");
        assertThatThrownBy(() -> SnowflakeNames.create("A", 256)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> SnowflakeNames.create("A", 1, 33, () -> 0)).hasMessageContaining("1..32");
        assertThatThrownBy(() -> ShardHash.shardOfBig("x", 0)).hasMessageContaining("1 and 256");
    }

    /** The hand-written formatter is the reference's pattern for every day, node and sequence a name can have. */
    @Property(tries = 2000)
    void theFormatterIsTheReferencePattern(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String prefix,
                                           @ForAll @IntRange(min = 1, max = 9999) int year,
                                           @ForAll @IntRange(min = 1, max = 365) int dayOfYear,
                                           @ForAll @LongRange(min = 0, max = (1L << 48) - 1) long f) {
        LocalDate day = LocalDate.ofYearDay(year, dayOfYear);
        int cc = 0;
        for (int i = 0; i < 6; i++) {
            cc += (int) ((f >>> (8 * i)) & 0xff);
        }
        assertThat(SnowflakeNames.format(prefix, day, f)).isEqualTo(String.format("%s_%04d%02d%02d_(%012X_%02X)",
                prefix, day.getYear(), day.getMonthValue(), day.getDayOfMonth(), f, cc & 0xff));
    }
}
