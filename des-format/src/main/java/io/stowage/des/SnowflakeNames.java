package io.stowage.des;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Makes unique, time-ordered entry names as the reference does:
 * {@code <prefix>_<YYYYMMDD>_(<F as 12 hex>_<CC as 2 hex>)} with {@code F = (t_low << 16) | (node << 8) | seq}.
 * {@code t_low} is the lowest {@code wrapBits} bits of Unix epoch milliseconds, {@code seq} counts names within one
 * millisecond (on overflow it waits for the next), and a clock that goes back is clamped to the last value.
 * {@code CC} is the sum of F's six big-endian bytes modulo 256.
 *
 * <p>{@code SnowflakeNames names = SnowflakeNames.create("DES", 7); String n = names.next();}
 *
 * <p>Thread-safe: {@link #next} is synchronized, so names from one generator never repeat.
 */
public final class SnowflakeNames {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9]+");

    private final String prefix;
    private final int nodeId;
    private final int wrapBits;
    private final LongSupplier clock;
    private long lastMs = Long.MIN_VALUE;
    private int seq;

    private SnowflakeNames(String prefix, int nodeId, int wrapBits, LongSupplier clock) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix '" + prefix + "' must be non-empty ASCII letters and digits");
        }
        if (nodeId < 0 || nodeId > 255) {
            throw new IllegalArgumentException("node id " + nodeId + " must be 0..255");
        }
        if (wrapBits < 1 || wrapBits > 32) {
            throw new IllegalArgumentException("wrap bits " + wrapBits + " must be 1..32");
        }
        this.prefix = prefix;
        this.nodeId = nodeId;
        this.wrapBits = wrapBits;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A generator on the system clock with 32 wrap bits. */
    public static SnowflakeNames create(String prefix, int nodeId) {
        return new SnowflakeNames(prefix, nodeId, 32, System::currentTimeMillis);
    }

    /** A generator with every input given (tests, reproducible names). */
    public static SnowflakeNames create(String prefix, int nodeId, int wrapBits, LongSupplier epochMillisClock) {
        return new SnowflakeNames(prefix, nodeId, wrapBits, epochMillisClock);
    }

    /** The next name, dated with the UTC day of its millisecond. */
    public String next() {
        long[] msAndF = nextF();
        LocalDate day = Instant.ofEpochMilli(msAndF[0]).atZone(ZoneOffset.UTC).toLocalDate();
        return format(prefix, day, msAndF[1]);
    }

    /** The next name with an explicit day (the reference takes the day from its caller). */
    public String next(LocalDate day) {
        return format(prefix, day, nextF()[1]);
    }

    private synchronized long[] nextF() {
        long now = clock.getAsLong();
        if (now < lastMs) {
            now = lastMs; // clock went back: clamp
        }
        if (now == lastMs) {
            if (seq >= 255) {
                while (now <= lastMs) { // 256 names in this millisecond: wait for the next
                    // parked, not spinning: a packer names 1,000 rows at once (4 ms of waiting), on cores it shares
                    // with its GETs, the store and the databases
                    LockSupport.parkNanos(20_000);
                    now = Math.max(clock.getAsLong(), now);
                }
                seq = 0;
            } else {
                seq++;
            }
        } else {
            seq = 0;
        }
        lastMs = now;
        long tLow = now & ((1L << wrapBits) - 1);
        long f = (tLow << 16) | ((long) nodeId << 8) | seq;
        return new long[] {now, f};
    }

    static String format(String prefix, LocalDate day, long f) {
        int cc = 0;
        for (int i = 0; i < 6; i++) {
            cc += (int) ((f >>> (8 * i)) & 0xff);
        }
        // "%s_%04d%02d%02d_(%012X_%02X)" by hand: String.format parses its pattern on every call, and the packer
        // names a whole claimed batch at once (f has at most 48 bits: 16 + 32 wrap bits)
        StringBuilder b = new StringBuilder(prefix.length() + 28).append(prefix).append('_');
        int year = day.getYear();
        if (year >= 0 && year < 1000) {
            b.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        b.append(year);
        two(b, day.getMonthValue());
        two(b, day.getDayOfMonth());
        b.append("_(");
        hex(b, f, 12);
        b.append('_');
        hex(b, cc & 0xff, 2);
        return b.append(')').toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void two(StringBuilder b, int v) {
        b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static void hex(StringBuilder b, long v, int digits) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            b.append(HEX[(int) ((v >>> shift) & 0xf)]);
        }
    }
}
