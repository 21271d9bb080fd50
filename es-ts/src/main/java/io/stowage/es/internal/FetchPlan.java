package io.stowage.es.internal;

import io.stowage.es.EsFetchOptions;
import io.stowage.es.EsSegment;
import io.stowage.es.EsSegmentStore;

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
 * <p>Immutable and thread-safe.
 *
 * @param items  the segments in time order
 * @param sha256 hex SHA-256 of the source, range, the options that shape the output, and the keys
 */
record FetchPlan(List<Item> items, String sha256) {
    /** One planned segment: in the range, before it (trim preroll), or a hole between listed segments. */
    record Item(EsSegment segment, boolean preroll, boolean hole) {
        long startNs() {
            return segment.start() * 1_000_000_000L;
        }

        long endNs() {
            return segment.end() * 1_000_000_000L;
        }
    }

    FetchPlan {
        items = List.copyOf(items);
    }

    /** Plans [from, to) of {@code store}; lists the store in listing mode. */
    static FetchPlan of(EsSegmentStore store, Instant from, Instant to, EsFetchOptions o) {
        List<Item> items = items(store, from, to, o);
        return new FetchPlan(items, sha256(store, from, to, o, items));
    }

    int size() {
        return items.size();
    }

    Item get(int i) {
        return items.get(i);
    }

    /** Segments of the range itself (not preroll, not holes): what the report calls expected. */
    int expected() {
        int n = 0;
        for (Item p : items) {
            if (!p.preroll() && !p.hole()) {
                n++;
            }
        }
        return n;
    }

    private static List<Item> items(EsSegmentStore store, Instant from, Instant to, EsFetchOptions o) {
        Instant pf = o.trim() ? from.minus(o.preroll()) : from;
        List<Item> items = new ArrayList<>();
        if (!o.listing()) {
            for (EsSegment s : EsSegment.covering(pf, to, o.segmentDuration())) {
                items.add(new Item(s, !s.endInstant().isAfter(from), false));
            }
            return items;
        }
        TreeMap<String, EsSegment> byKey = new TreeMap<>();
        long firstHour = Math.floorDiv(pf.getEpochSecond() - 3600, 3600) * 3600;
        for (long h = firstHour; h < to.getEpochSecond(); h += 3600) {
            for (String key : store.list(EsSegment.folderOf(h))) {
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

    private static String sha256(EsSegmentStore store, Instant from, Instant to, EsFetchOptions o, List<Item> plan) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder();
            sb.append(store.location()).append('|').append(from).append('|').append(to).append('|')
                    .append(o.trim()).append('|').append(o.preroll()).append('|').append(o.startCode()).append('|')
                    .append(o.maxRecordSize()).append('|').append(o.utcSlack());
            for (Item p : plan) {
                sb.append('|').append(p.segment().key());
            }
            return HexFormat.of().formatHex(md.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
