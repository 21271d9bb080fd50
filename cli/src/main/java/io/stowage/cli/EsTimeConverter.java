package io.stowage.cli;

import io.stowage.es.EsInvalidRangeException;
import picocli.CommandLine;

import java.time.Instant;

/**
 * {@code --from}/{@code --to} of {@code stowage es fetch}: what {@link TimeConverter} accepts, and a number too large
 * for any instant (e.g. {@code 9223372036854775807}) is refused naming the range segments can have, not as "not a
 * time". Thread-safe (stateless).
 *
 * <p>{@code Instant t = EsTimeConverter.parse("--from", "1735732796");}
 */
final class EsTimeConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return parse("the time", value);
        } catch (CliException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** Parses {@code value} of {@code option}; a usage error names the accepted forms or the range. */
    static Instant parse(String option, String value) {
        String v = value.trim();
        try {
            return TimeConverter.parse(v);
        } catch (CommandLine.TypeConversionException e) {
            if (v.matches("-?\\d+(\\.\\d+)?") || v.matches("[+-]\\d{5,}-.*")) {
                throw CliException.usage(option + " '" + EsFetchConfig.safe(value) + "' lies outside the times"
                        + " segments can have (" + EsInvalidRangeException.EARLIEST + " .. "
                        + EsInvalidRangeException.LATEST + ", as Unix epoch seconds 0 .. "
                        + EsInvalidRangeException.LATEST.getEpochSecond() + ")");
            }
            throw CliException.usage(option + " " + e.getMessage());
        }
    }
}
