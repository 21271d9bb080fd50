package io.stowage.cli;

import picocli.CommandLine;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * The one time grammar of every command's time option: an ISO-8601 instant ({@code 2025-12-31T23:59:50Z},
 * {@code 2025-12-31T23:59:50.250Z}) or Unix epoch seconds, fractions and a sign allowed ({@code 1767225590},
 * {@code 1767225590.5}).
 *
 * <p>{@code @Option(names = "--from", converter = TimeConverter.class) Instant from;}
 *
 * <p>Stateless, so thread-safe.
 */
final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        return parse(value);
    }

    /**
     * Parses {@code value} by the grammar above.
     *
     * @throws CommandLine.TypeConversionException naming the value and the accepted forms
     */
    static Instant parse(String value) {
        String v = value.trim();
        try {
            if (v.matches("-?\\d+(\\.\\d+)?")) {
                BigDecimal s = new BigDecimal(v);
                long sec = s.setScale(0, RoundingMode.FLOOR).longValueExact();
                long nanos = s.subtract(BigDecimal.valueOf(sec)).movePointRight(9).setScale(0, RoundingMode.FLOOR)
                        .longValueExact();
                return Instant.ofEpochSecond(sec, nanos);
            }
            return Instant.parse(v);
        } catch (ArithmeticException | DateTimeException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 instant (e.g."
                    + " 2025-12-31T23:59:50Z) or Unix epoch seconds (e.g. 1767225590)");
        }
    }
}
