package io.stowage.es.internal;

import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The computed plan is lazy and gives the keys {@link EsSegment#covering} gives. Runs in the small-heap (256 MiB)
 * execution: a plan of 400 days of 4 s segments materialised as items would not fit.
 */
class FetchPlanTest {
    private static final EsSegmentStore STORE = new EsSegmentStore() {
        @Override
        public String location() {
            return "plan-test";
        }

        @Override
        public SegmentData open(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> list(String folder) {
            throw new UnsupportedOperationException();
        }
    };

    @Example
    void maxRange400dIsPlannedLazily() {
        Instant from = Instant.parse("2025-01-01T00:00:00Z");
        Instant to = from.plus(Duration.ofDays(400));
        FetchPlan plan = FetchPlan.of(STORE, from, to, EsFetchOptions.defaults().withMaxRange(Duration.ofDays(400)));
        assertThat(plan.size()).isEqualTo(400 * 86_400 / 4);
        assertThat(plan.get(0).segment()).isEqualTo(EsSegment.of(from.getEpochSecond(), 4));
        assertThat(plan.get(plan.size() - 1).segment()).isEqualTo(EsSegment.of(to.getEpochSecond() - 4, 4));
        assertThat(plan.expected()).isEqualTo(plan.size());
    }

    @Property(tries = 250)
    void lazyPlanGivesTheKeysCoveringGives(@ForAll @LongRange(min = 0, max = 4_000_000_000L) long fromS,
            @ForAll @IntRange(min = 0, max = 999_999_999) int fromNanos,
            @ForAll @IntRange(min = 1, max = 8_000) int lengthS, @ForAll @IntRange(min = 0, max = 1) int lengthNanos,
            @ForAll @IntRange(min = 1, max = 3600) int duration, @ForAll boolean trim,
            @ForAll @IntRange(min = 0, max = 3600) int prerollS) {
        Instant from = Instant.ofEpochSecond(fromS, fromNanos);
        Instant to = from.plusSeconds(lengthS).plusNanos(lengthNanos * 500_000_000L);
        EsFetchOptions o = EsFetchOptions.defaults().withSegmentDuration(Duration.ofSeconds(duration)).withTrim(trim)
                .withPreroll(Duration.ofSeconds(prerollS));
        Instant pf = trim ? from.minusSeconds(prerollS) : from;
        List<EsSegment> want = EsSegment.covering(pf, to, Duration.ofSeconds(duration));
        FetchPlan plan = FetchPlan.of(STORE, from, to, o);
        List<EsSegment> got = new ArrayList<>();
        int expected = 0;
        for (int i = 0; i < plan.size(); i++) {
            FetchPlan.Item it = plan.get(i);
            got.add(it.segment());
            assertThat(it.hole()).isFalse();
            assertThat(it.preroll()).isEqualTo(!it.segment().endInstant().isAfter(from));
            expected += it.preroll() ? 0 : 1;
        }
        assertThat(got).isEqualTo(want);
        assertThat(plan.expected()).isEqualTo(expected);
    }
}
