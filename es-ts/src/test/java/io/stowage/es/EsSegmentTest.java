package io.stowage.es;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Key computation without listing: day-first folders, alignment, boundaries of hour, day, month and year. */
class EsSegmentTest {
    private static List<String> keys(String from, String to, int seconds) {
        return EsSegment.covering(Instant.parse(from), Instant.parse(to), Duration.ofSeconds(seconds)).stream()
                .map(EsSegment::key).toList();
    }

    @Test
    void referenceKeysAcrossTheHour() {
        assertThat(keys("2025-01-01T11:59:56Z", "2025-01-01T12:00:24Z", 4)).isEqualTo(Vectors.keys());
    }

    @Test
    void overlapIsHalfOpen() {
        assertThat(keys("2025-01-01T12:00:04Z", "2025-01-01T12:00:08Z", 4))
                .containsExactly("01012025/12/1735732804-1735732808.es");
        assertThat(keys("2025-01-01T12:00:03.999Z", "2025-01-01T12:00:08.001Z", 4)).containsExactly(
                "01012025/12/1735732800-1735732804.es", "01012025/12/1735732804-1735732808.es",
                "01012025/12/1735732808-1735732812.es");
    }

    @Test
    void dayMonthAndYearBoundariesAreDayFirst() {
        // 2024-12-31T23:59:58Z = 1735689598
        assertThat(keys("2024-12-31T23:59:58Z", "2025-01-01T00:00:03Z", 4)).containsExactly(
                "31122024/23/1735689596-1735689600.es", "01012025/00/1735689600-1735689604.es");
        // end of February in a leap year
        assertThat(keys("2024-02-29T23:59:59Z", "2024-03-01T00:00:01Z", 2)).containsExactly(
                "29022024/23/1709251198-1709251200.es", "01032024/00/1709251200-1709251202.es");
    }

    @Test
    void durationThatDoesNotDivideAnHourRestartsEachHour() {
        // 7 s segments: starts at :00 + 7k within each hour; the last of hour 11 starts at 3598 s (:59:58) and runs
        // past the hour, and hour 12 starts again at :00
        List<EsSegment> s = EsSegment.covering(Instant.parse("2025-01-01T11:59:56Z"),
                Instant.parse("2025-01-01T12:00:01Z"), Duration.ofSeconds(7));
        assertThat(s).extracting(EsSegment::key).containsExactly("01012025/11/1735732791-1735732798.es",
                "01012025/11/1735732798-1735732805.es", "01012025/12/1735732800-1735732807.es");
        for (EsSegment x : s) {
            assertThat((x.start() % 3600) % 7).isZero();
        }
    }

    @Test
    void parsesKeysAndRejectsOtherNames() {
        EsSegment s = EsSegment.parseKey("01012025/12/1735732800-1735732804.es").orElseThrow();
        assertThat(s.start()).isEqualTo(1735732800L);
        assertThat(s.durationSeconds()).isEqualTo(4);
        assertThat(EsSegment.parseKey("1735732800-1735732804.es")).isPresent();
        assertThat(EsSegment.parseKey("01012025/12/1735732800-1735732804.es.tmp")).isEmpty();
        assertThat(EsSegment.parseKey("01012025/12/1735732804-1735732800.es")).isEmpty();
        assertThat(EsSegment.parseKey("01012025/12/a-b.es")).isEmpty();
        assertThat(EsSegment.parseKey("01012025/12/99999999999999999999-1.es")).isEmpty();
    }

    @Test
    void anHourHas900Keys() {
        assertThat(keys("2025-01-01T12:00:00Z", "2025-01-01T13:00:00Z", 4)).hasSize(900).allMatch(
                k -> k.startsWith("01012025/12/"));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> keys("2025-01-01T12:00:00Z", "2025-01-01T12:00:00Z", 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys("2025-01-01T12:00:00Z", "2025-01-01T12:00:10Z", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EsFetchOptions.defaults().withWorkers(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workers 0");
    }
}
