package io.stowage.transcode.internal;

import io.stowage.transcode.ProgressEvent;
import io.stowage.transcode.TranscodeListener;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressParserProperties {

    record Report(String frame, String outTimeUs, String size, String speed, boolean end) {
        String text() {
            return "frame=" + frame + "\nfps=N/A\nbitrate=N/A\ntotal_size=" + size + "\nout_time_us=" + outTimeUs
                    + "\nout_time=N/A\nspeed=" + speed + "\nprogress=" + (end ? "end" : "continue") + "\n";
        }
    }

    @Provide
    Arbitrary<Report> reports() {
        Arbitrary<String> count = Arbitraries.oneOf(Arbitraries.longs().between(-1_000_000, 10_000_000_000L)
                .map(String::valueOf), Arbitraries.of("N/A", "", "x"));
        Arbitrary<String> speed = Arbitraries.oneOf(Arbitraries.doubles().between(0, 100).map(d -> d + "x"),
                Arbitraries.of("N/A", "0x", "inf"));
        return Combinators.combine(count, count, count, speed, Arbitraries.of(false, false, false, true))
                .as(Report::new);
    }

    @Property(tries = 200)
    void anySplitGivesTheSameBlocks(@ForAll @Size(max = 12) List<@net.jqwik.api.From("reports") Report> reports,
            @ForAll long seed) {
        StringBuilder sb = new StringBuilder();
        reports.forEach(r -> sb.append(r.text()));
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        List<ProgressBlock> whole = new ArrayList<>();
        new ProgressParser(whole::add).feed(bytes, 0, bytes.length);
        assertThat(whole).hasSize(reports.size());

        List<ProgressBlock> split = new ArrayList<>();
        ProgressParser p = new ProgressParser(split::add);
        Random random = new Random(seed);
        int i = 0;
        while (i < bytes.length) {
            int n = 1 + random.nextInt(Math.min(40, bytes.length - i));
            p.feed(bytes, i, n);
            i += n;
        }
        assertThat(split).isEqualTo(whole);
    }

    @Property(tries = 200)
    void percentNeverGoesBackwardsAndStaysInRange(
            @ForAll @Size(max = 30) List<@net.jqwik.api.From("reports") Report> reports,
            @ForAll @IntRange(min = 0, max = 100_000) int expectedMillis) {
        List<ProgressEvent> events = new ArrayList<>();
        ProgressTracker t = new ProgressTracker(TranscodeListener.progress(events::add),
                Duration.ofMillis(expectedMillis));
        StringBuilder sb = new StringBuilder();
        reports.forEach(r -> sb.append(r.text()));
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        new ProgressParser(t::accept).feed(bytes, 0, bytes.length);
        double last = 0;
        for (ProgressEvent e : events) {
            if (!Double.isNaN(e.percent())) {
                assertThat(e.percent()).isBetween(0.0, 100.0).isGreaterThanOrEqualTo(last);
                last = e.percent();
            }
            if (e.eta() != null) {
                assertThat(e.eta().isNegative()).isFalse();
            }
        }
    }
}
