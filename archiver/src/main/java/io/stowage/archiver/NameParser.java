package io.stowage.archiver;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the camera and local time from a recording's file name: a user pattern first, then
 * {@code REO_camera_YYYYMMDDHHMMSS.mp4|.jpg} and Reolink's {@code Name_00_YYYYMMDDHHMMSS.mp4|.jpg}. A trash copy
 * renamed to avoid a clash ({@code NAME.1.mp4}) reads as its original. Thread-safe (immutable).
 */
final class NameParser {
    /** MP4 or JPG; anything else is not a recording. */
    enum Kind { MP4, JPG }

    /** A parsed name: {@code stem} is the name without extension and without a clash suffix. */
    record Parsed(String camera, LocalDateTime local, Kind kind, String stem) {
    }

    private static final String TS = "(?<year>\\d{4})(?<month>\\d{2})(?<day>\\d{2})(?<hour>\\d{2})(?<minute>\\d{2})"
            + "(?<second>\\d{2})";
    private static final Pattern REO = Pattern.compile("REO_(?<camera>.+?)_" + TS);
    private static final Pattern REOLINK = Pattern.compile("(?<camera>.+?)_00_" + TS);
    private static final Pattern CLASH = Pattern.compile("(.+)\\.(\\d{1,6})");

    private final Pattern user;
    private final boolean userHasCamera;

    NameParser(Pattern user) {
        this.user = user;
        this.userHasCamera = user != null && user.pattern().contains("(?<camera>");
    }

    /** The parsed name, or {@code null} when it is not a recording this parser knows. */
    Parsed parse(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        Kind kind = switch (name.substring(dot + 1).toLowerCase(Locale.ROOT)) {
            case "mp4" -> Kind.MP4;
            case "jpg", "jpeg" -> Kind.JPG;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        String stem = name.substring(0, dot);
        Parsed p = parse(name, stem, kind);
        if (p == null) {
            Matcher c = CLASH.matcher(stem);
            if (c.matches()) {
                String original = c.group(1);
                p = parse(original + name.substring(dot), original, kind);
            }
        }
        return p;
    }

    private Parsed parse(String name, String stem, Kind kind) {
        if (user != null) {
            Matcher m = user.matcher(name);
            if (m.matches()) {
                return of(m, userHasCamera ? m.group("camera") : "", kind, stem);
            }
        }
        if (stem.startsWith("REO_")) {
            Matcher m = REO.matcher(stem);
            if (m.matches()) {
                return of(m, m.group("camera"), kind, stem);
            }
        }
        Matcher m = REOLINK.matcher(stem);
        return m.matches() ? of(m, m.group("camera"), kind, stem) : null;
    }

    private static Parsed of(Matcher m, String camera, Kind kind, String stem) {
        try {
            LocalDateTime t = LocalDateTime.of(num(m, "year"), num(m, "month"), num(m, "day"), num(m, "hour"),
                    num(m, "minute"), num(m, "second"));
            return new Parsed(camera, t, kind, stem);
        } catch (DateTimeException | NumberFormatException e) {
            return null; // 20251345... is no time: unrecognised
        }
    }

    private static int num(Matcher m, String group) {
        return Integer.parseInt(m.group(group));
    }
}
