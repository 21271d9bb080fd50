package io.stowage.cli;

import picocli.CommandLine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every command's duration option (case-insensitive, surrounding blanks ignored):
 * <ul>
 *   <li>bare seconds, fractions allowed: {@code 60}, {@code 0}, {@code 12.5};</li>
 *   <li>a number and a unit, {@code ms}, {@code s}, {@code m} (minutes), {@code h} or {@code d}: {@code 500ms},
 *       {@code 90s}, {@code 15m}, {@code 1h}, {@code 30d}, {@code 1.5h};</li>
 *   <li>{@code [[H:]M:]S[.f]}: {@code 1:30}, {@code 01:02:03.5} (each part a plain number, so {@code 90:00} is
 *       90 minutes);</li>
 *   <li>ISO-8601: {@code PT1H30M}, {@code P1DT2H}.</li>
 * </ul>
 * It accepts everything that the three grammars it replaces accepted ({@code es fetch --max-range}: seconds,
 * {@code s/m/h/d}, ISO; {@code s3 cleanup --older-than} and the sync commands: {@code d/h/m/s}, {@code 0}, ISO;
 * {@code transcode --start/--duration}: seconds with fractions and {@code [HH:]MM:SS[.mmm]}) with the same value.
 * Negative values are left to the command to refuse (only ISO can write one).
 *
 * <p>{@code @Option(names = "--older-than", converter = DurationConverter.class) Duration olderThan;}
 *
 * <p>Stateless, so thread-safe.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final String NUMBER = "\\+?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?";
    private static final Pattern WITH_UNIT = Pattern.compile("(" + NUMBER + ")\\s*(ms|s|m|h|d)?");
    private static final String PART = "\\s*(" + NUMBER + ")\\s*";
    private static final Pattern CLOCK = Pattern.compile(PART + ":" + PART + "(?::" + PART + ")?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * Parses {@code value} by the grammar above.
     *
     * @throws CommandLine.TypeConversionException naming the value and the accepted forms
     */
    static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p") || v.startsWith("-p") || v.startsWith("+p")) {
                return Duration.parse(v);
            }
            Matcher m = WITH_UNIT.matcher(v);
            if (m.matches()) {
                BigDecimal n = new BigDecimal(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                BigDecimal nanosPerUnit = BigDecimal.valueOf(switch (unit) {
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    case "h" -> 3_600_000_000_000L;
                    default -> 86_400_000_000_000L;
                });
                return nanos(n.multiply(nanosPerUnit));
            }
            m = CLOCK.matcher(v);
            if (m.matches()) {
                BigDecimal seconds = BigDecimal.ZERO;
                for (int g = 1; g <= m.groupCount(); g++) {
                    if (m.group(g) != null) {
                        seconds = seconds.multiply(BigDecimal.valueOf(60)).add(new BigDecimal(m.group(g)));
                    }
                }
                return nanos(seconds.movePointRight(9));
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // the message below
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; use seconds (60, 12.5),"
                + " a number with ms, s, m, h or d (500ms, 90s, 15m, 24h, 30d), [[H:]M:]S[.f] (1:30, 01:02:03.5)"
                + " or ISO-8601 (PT1H30M)");
    }

    private static Duration nanos(BigDecimal nanos) {
        BigDecimal whole = nanos.setScale(0, RoundingMode.HALF_UP);
        BigDecimal[] qr = whole.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        return Duration.ofSeconds(qr[0].longValueExact(), qr[1].longValueExact());
    }
}
