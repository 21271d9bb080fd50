package io.stowage.archiver;

import java.time.DateTimeException;
import java.time.LocalDateTime;
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
    /** The built-in forms as patterns (documentation and tests; {@link #builtIn} reads them by hand). */
    static final Pattern REO = Pattern.compile("REO_(?<camera>.+?)_" + TS);
    static final Pattern REOLINK = Pattern.compile("(?<camera>.+?)_00_" + TS);
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
        int extLength = name.length() - dot - 1;
        Kind kind = extLength == 3 && name.regionMatches(true, dot + 1, "mp4", 0, 3) ? Kind.MP4
                : extLength == 3 && name.regionMatches(true, dot + 1, "jpg", 0, 3)
                        || extLength == 4 && name.regionMatches(true, dot + 1, "jpeg", 0, 4) ? Kind.JPG : null;
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
        return builtIn(stem, kind);
    }

    /**
     * {@code REO_camera_YYYYMMDDHHMMSS} or {@code camera_00_YYYYMMDDHHMMSS}, read by hand: this runs for every file
     * of every tree twice per plan (the regular expressions above say the same and serve user patterns).
     */
    private static Parsed builtIn(String stem, Kind kind) {
        int n = stem.length();
        int ts = n - 14;
        if (ts < 2 || stem.charAt(ts - 1) != '_') {
            return null;
        }
        for (int i = ts; i < n; i++) {
            char c = stem.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        String camera;
        if (stem.startsWith("REO_") && ts - 1 > 4) {
            camera = stem.substring(4, ts - 1);
        } else if (ts >= 5 && stem.startsWith("_00_", ts - 4)) {
            camera = stem.substring(0, ts - 4);
        } else {
            return null;
        }
        try {
            LocalDateTime t = LocalDateTime.of(digits(stem, ts, 4), digits(stem, ts + 4, 2), digits(stem, ts + 6, 2),
                    digits(stem, ts + 8, 2), digits(stem, ts + 10, 2), digits(stem, ts + 12, 2));
            return new Parsed(camera, t, kind, stem);
        } catch (DateTimeException e) {
            return null; // 20251345... is no time: unrecognised
        }
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
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
