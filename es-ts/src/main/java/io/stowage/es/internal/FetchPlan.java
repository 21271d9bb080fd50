package io.stowage.es.internal;

import io.stowage.es.EsFetchListener;
import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The segments one fetch reads, in order: computed from the range and the segment duration, or listed hour by hour;
 * with trim, the preroll segments before {@code from} first; in listing mode, holes where no segment covers a stretch.
 * Its SHA-256 identifies the fetch in a resume checkpoint.
 *
 * <p>A computed plan is lazy: an item is made when asked for, so a plan of months of 4 s segments costs a few longs
 * (keys follow from the index by arithmetic). A listed plan holds what the listing returned. Names in a listed folder
 * that are not sane segment keys ({@link EsSegment#whyNotSegment}) are ignored, logged and told to the listener.
 *
 * <p>Thread-safe: immutable apart from the SHA-256, computed once on first use.
 */
final class FetchPlan {
    private static final Logger LOG = LoggerFactory.getLogger(FetchPlan.class);

    /** One planned segment: in the range, before it (trim preroll), or a hole between listed segments. */
    record Item(EsSegment segment, boolean preroll, boolean hole) {
        long startNs() {
            return segment.start() * 1_000_000_000L;
        }

        long endNs() {
            return segment.end() * 1_000_000_000L;
        }
    }

    private final String head;
    private final List<Item> listed; // null for a computed plan
    private final Instant from;
    // a computed plan: item i starts at hour0 + (g / perHour) * 3600 + (g % perHour) * d with g = first + i
    private final long hour0;
    private final long d;
    private final long perHour;
    private final long first;
    private final int size;
    private volatile String sha256;

    private FetchPlan(String head, List<Item> listed, Instant from, long hour0, long d, long first, int size) {
        this.head = head;
        this.listed = listed;
        this.from = from;
        this.hour0 = hour0;
        this.d = d;
        this.perHour = d == 0 ? 0 : (3600 + d - 1) / d;
        this.first = first;
        this.size = size;
    }

    /** Plans [from, to) of {@code store}; lists the store in listing mode. */
    static FetchPlan of(EsSegmentStore store, Instant from, Instant to, EsFetchOptions o) {
        String head = store.location() + '|' + from + '|' + to + '|' + o.trim() + '|' + o.preroll() + '|'
                + o.startCode() + '|' + o.maxRecordSize() + '|' + o.utcSlack();
        Instant pf = o.trim() ? from.minus(o.preroll()) : from;
        if (o.listing()) {
            List<Item> items = listed(store, pf, from, to, o.listener());
            return new FetchPlan(head, List.copyOf(items), from, 0, 0, 0, items.size());
        }
        if (!pf.isBefore(to)) {
            throw new IllegalArgumentException("from " + pf + " must be before to " + to);
        }
        long d = o.segmentDuration().getSeconds();
        long perHour = (3600 + d - 1) / d;
        long fromS = pf.getEpochSecond();
        long toS = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0); // smallest whole second >= to
        long hour0 = Math.floorDiv(fromS - d, 3600) * 3600;
        long g = 0;
        while (!inRange(start(hour0, d, perHour, g), d, pf, to, toS)) {
            g++; // at most about two hours of segments before the first that overlaps
            if (start(hour0, d, perHour, g) >= toS) {
                return new FetchPlan(head, null, from, hour0, d, g, 0); // [from, to) falls between two segments
            }
        }
        long n = 0;
        while (inRange(start(hour0, d, perHour, g + n), d, pf, to, toS)) {
            n++;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the range " + from + " .. " + to + " holds more than "
                        + Integer.MAX_VALUE + " segments");
            }
        }
        return new FetchPlan(head, null, from, hour0, d, g, (int) n);
    }

    private static long start(long hour0, long d, long perHour, long g) {
        return hour0 + (g / perHour) * 3600 + (g % perHour) * d;
    }

    /** Whether the segment [s, s + d) overlaps [from, to), as {@link EsSegment#covering} decides. */
    private static boolean inRange(long s, long d, Instant from, Instant to, long toS) {
        boolean startsBeforeTo = s < to.getEpochSecond() || (s == to.getEpochSecond() && to.getNano() > 0);
        return startsBeforeTo && s + d > from.getEpochSecond() && s < toS;
    }

    int size() {
        return size;
    }

    Item get(int i) {
        if (listed != null) {
            return listed.get(i);
        }
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("plan item " + i + " of " + size);
        }
        EsSegment s = EsSegment.of(start(hour0, d, perHour, first + i), d);
        return new Item(s, !s.endInstant().isAfter(from), false);
    }

    /** Segments of the range itself (not preroll, not holes): what the report calls expected. */
    int expected() {
        if (listed == null) {
            // preroll items (ending at or before from) come first: count those, the rest are expected
            long fromS = from.getEpochSecond();
            int pre = 0;
            while (pre < size && start(hour0, d, perHour, first + pre) + d <= fromS) {
                pre++;
            }
            return size - pre;
        }
        int n = 0;
        for (Item p : listed) {
            if (!p.preroll() && !p.hole()) {
                n++;
            }
        }
        return n;
    }

    private static List<Item> listed(EsSegmentStore store, Instant pf, Instant from, Instant to,
            EsFetchListener listener) {
        List<Item> items = new ArrayList<>();
        TreeMap<String, EsSegment> byKey = new TreeMap<>();
        long firstHour = Math.floorDiv(pf.getEpochSecond() - 3600, 3600) * 3600;
        for (long h = firstHour; h < to.getEpochSecond(); h += 3600) {
            for (String key : store.list(EsSegment.folderOf(h))) {
                String why = EsSegment.whyNotSegment(key);
                if (why != null) {
                    LOG.warn("ignoring {} in {}: not a segment ({})", key, store.location(), why);
                    listener.onIgnored(key, why);
                    continue;
                }
                Optional<EsSegment> s = EsSegment.parseKey(key);
                if (s.isPresent() && s.get().overlaps(pf, to)) {
                    byKey.put(key, s.get());
                }
            }
        }
        List<EsSegment> segs = new ArrayList<>(byKey.values());
        segs.sort(null);
        Instant cursor = from;
        for (EsSegment s : segs) {
            boolean pre = !s.endInstant().isAfter(from);
            if (!pre && s.startInstant().isAfter(cursor)) {
                items.add(new Item(hole(cursor, s.startInstant()), false, true));
            }
            items.add(new Item(s, pre, false));
            if (!pre && s.endInstant().isAfter(cursor)) {
                cursor = s.endInstant();
            }
        }
        if (cursor.isBefore(to)) {
            items.add(new Item(hole(cursor, to), false, true));
        }
        return items;
    }

    private static EsSegment hole(Instant f, Instant t) {
        long s = f.getEpochSecond();
        long e = Math.max(s + 1, t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0));
        return new EsSegment("(no segment listed " + f + " .. " + t + ")", s, e);
    }

    /** Hex SHA-256 of the source, range, the options that shape the output, and the keys (computed once). */
    String sha256() {
        String h = sha256;
        if (h == null) {
            h = digest();
            sha256 = h;
        }
        return h;
    }

    private String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(head.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < size; i++) {
                md.update(('|' + get(i).segment().key()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
