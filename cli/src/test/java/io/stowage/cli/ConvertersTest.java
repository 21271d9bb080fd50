package io.stowage.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one duration, time and size grammar: every form one of the three old grammars accepted still parses the same. */
class ConvertersTest {
    private static Duration d(String s) {
        return DurationConverter.parse(s);
    }

    @Test
    void everyFormEsFetchMaxRangeAcceptedStillParses() {
        // EsCommand.parseDuration: \d+ seconds, \d+[smhd] (any case), else Duration.parse
        assertThat(d("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(d("0")).isEqualTo(Duration.ZERO);
        assertThat(d("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(d("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(d("24H")).isEqualTo(Duration.ofHours(24));
        assertThat(d("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(d(" 2h ")).isEqualTo(Duration.ofHours(2));
        assertThat(d("PT24H")).isEqualTo(Duration.ofHours(24));
        assertThat(d("pt1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(d("P1D")).isEqualTo(Duration.ofDays(1));
        assertThat(d("-PT1H")).isEqualTo(Duration.ofHours(-1));
    }

    @Test
    void everyFormS3DurationConverterAcceptedStillParses() {
        // S3Cli.DurationConverter: 0, ISO (any case), N with d/h/m/s (any case, a sign allowed by Long.parseLong)
        assertThat(d("0")).isEqualTo(Duration.ZERO);
        assertThat(d("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(d("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(d("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(d("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(d("10S")).isEqualTo(Duration.ofSeconds(10));
        assertThat(d("+5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(d("P1DT2H")).isEqualTo(Duration.ofHours(26));
        assertThat(d("p1dt2h")).isEqualTo(Duration.ofHours(26));
        assertThat(d("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void everyFormTranscodeParseTimeAcceptedStillParses() {
        // TranscodeCli.parseTime: seconds (Double.parseDouble) or up to three ':'-separated numbers
        assertThat(d("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d("12.5")).isEqualTo(Duration.ofMillis(12_500));
        assertThat(d(".5")).isEqualTo(Duration.ofMillis(500));
        assertThat(d("5.")).isEqualTo(Duration.ofSeconds(5));
        assertThat(d("1e2")).isEqualTo(Duration.ofSeconds(100));
        assertThat(d("1:30")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d("00:01:30.500")).isEqualTo(Duration.ofMillis(90_500));
        assertThat(d("01:02:03.5")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(d("90:00")).isEqualTo(Duration.ofMinutes(90));
        assertThat(d("1.5:30")).isEqualTo(Duration.ofSeconds(120));
        assertThat(d("1: 30")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d("0.000000001")).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void newUnits() {
        assertThat(d("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(d("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(d("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void rejectsWhatIsNoDuration() {
        for (String bad : new String[] {"", "abc", "5x", "1:2:3:4", "-5", "1h30", "NaN", "Infinity", "::"}) {
            assertThatThrownBy(() -> d(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Test
    void timesAreIsoInstantsOrEpochSeconds() {
        assertThat(TimeConverter.parse("2025-12-31T23:59:50Z")).isEqualTo(Instant.parse("2025-12-31T23:59:50Z"));
        assertThat(TimeConverter.parse("1767225590")).isEqualTo(Instant.ofEpochSecond(1767225590));
        assertThat(TimeConverter.parse("1767225590.25")).isEqualTo(Instant.ofEpochSecond(1767225590, 250_000_000));
        assertThat(TimeConverter.parse("-1.5")).isEqualTo(Instant.ofEpochSecond(-2, 500_000_000));
        assertThat(TimeConverter.parse(" 0 ")).isEqualTo(Instant.EPOCH);
        for (String bad : new String[] {"noon", "2025-12-31", "99999999999999999999", "1e3"}) {
            assertThatThrownBy(() -> TimeConverter.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void sizesAreBytesOrUnits() {
        assertThat(SizeConverter.parse("4096")).isEqualTo(4096);
        assertThat(SizeConverter.parse("100MiB")).isEqualTo(100L << 20);
        assertThat(SizeConverter.parse("1G")).isEqualTo(1L << 30);
        assertThat(SizeConverter.parse("64k")).isEqualTo(64L << 10);
        assertThat(SizeConverter.parse("1.5KiB")).isEqualTo(1536);
        assertThatThrownBy(() -> SizeConverter.parse("lots")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
