package io.stowage.transcode.internal;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser of ffmpeg's {@code -progress} key=value stream. Bytes may arrive split anywhere (even inside a
 * line or a UTF-8 sequence); each completed block goes to the sink.
 *
 * <p>State after bad input: a line without {@code =} or with an unparsable value is ignored (the field stays
 * unknown) and parsing goes on with the next line; the parser never throws on input. A line longer than 4 KiB is
 * truncated.
 *
 * <p>Not thread-safe: feed it from one thread (the process's stdout reader).
 */
public final class ProgressParser {
    private static final int MAX_LINE = 4096;

    private final Consumer<ProgressBlock> sink;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;

    private long frame = -1;
    private double fps = Double.NaN;
    private long outTimeUs = -1;
    private long totalSize = -1;
    private double speed = Double.NaN;

    public ProgressParser(Consumer<ProgressBlock> sink) {
        this.sink = sink;
    }

    /** Feeds bytes; completed blocks are delivered before this returns. */
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                onLine();
                lineLength = 0;
            } else if (lineLength < MAX_LINE) {
                line[lineLength++] = b;
            }
        }
    }

    private void onLine() {
        int len = lineLength;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        String s = new String(line, 0, len, StandardCharsets.UTF_8).trim();
        int eq = s.indexOf('=');
        if (eq <= 0) {
            return;
        }
        String key = s.substring(0, eq).trim();
        String value = s.substring(eq + 1).trim();
        switch (key) {
            case "frame" -> frame = parseLong(value);
            case "fps" -> fps = parseDouble(value);
            case "out_time_us" -> outTimeUs = clampTime(parseLong(value));
            case "out_time_ms" -> {
                // despite its name, ffmpeg writes microseconds here too; only used when out_time_us is absent
                if (outTimeUs < 0) {
                    outTimeUs = clampTime(parseLong(value));
                }
            }
            case "total_size" -> totalSize = parseLong(value);
            case "speed" -> speed = parseDouble(value.endsWith("x") ? value.substring(0, value.length() - 1) : value);
            case "progress" -> {
                sink.accept(new ProgressBlock(frame, fps, outTimeUs, totalSize, speed, value.equals("end")));
                frame = -1;
                fps = Double.NaN;
                outTimeUs = -1;
                totalSize = -1;
                speed = Double.NaN;
            }
            default -> { }
        }
    }

    private static long clampTime(long us) {
        // at the start ffmpeg may report a negative out_time (e.g. -577014) before the first packet
        return us == -1 ? -1 : Math.max(0, us);
    }

    private static long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static double parseDouble(String v) {
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) ? d : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
