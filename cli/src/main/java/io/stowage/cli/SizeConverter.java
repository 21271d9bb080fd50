package io.stowage.cli;

import picocli.CommandLine;

import java.util.Locale;

/**
 * The one size grammar and the one size format of the command line: parses sizes given as bytes or with units
 * ({@code 4096}, {@code 100MiB}, {@code 1G}, {@code 64k}) and {@link #format(long) formats} byte counts for human
 * output ({@code 512 B}, {@code 1.5 MiB}), always with {@link Locale#ROOT}.
 *
 * <p>{@code SizeConverter.format(1572864) // "1.5 MiB"}
 *
 * <p>Stateless, so thread-safe.
 */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /**
     * A byte count for human output: plain bytes below 1 KiB, else one decimal in the largest binary unit up to
     * TiB ({@code 1023 B}, {@code 1.0 KiB}, {@code 1.5 MiB}, {@code 2048.0 TiB}); never locale-dependent.
     */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < UNITS.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[i]);
    }

    static long parse(String value) {
        String s = value.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new CommandLine.TypeConversionException(
                    "size '" + value + "' is not a number; use bytes or a unit, e.g. 4096, 64KiB, 100MiB, 1G");
        }
        double number;
        try {
            number = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("size '" + value + "' is not a number");
        }
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            default -> throw new CommandLine.TypeConversionException(
                    "size '" + value + "' has unknown unit '" + unit + "'; use B, KiB, MiB, GiB or TiB");
        };
        double bytes = number * multiplier;
        if (bytes < 0 || bytes > Long.MAX_VALUE) {
            throw new CommandLine.TypeConversionException("size '" + value + "' is out of range");
        }
        return (long) bytes;
    }
}
