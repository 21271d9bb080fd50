package io.stowage.des.s3;

import io.stowage.des.DesEntry;
import io.stowage.des.DesLimitException;
import io.stowage.des.DesPayloads;
import io.stowage.des.DesReadOptions;
import io.stowage.des.DesReadPlan;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * {@link S3DesReader#readAll(Collection)} against one index: names resolved (each once), the payloads stored inside
 * planned by {@link DesReadPlan} (neighbours merged into one ranged GET) and fetched in parallel on the reader's
 * executor, external entries streamed in parallel too; checksums verified per entry. A failure of any GET fails the
 * call (an {@link DesS3ArchiveChangedException} reaches the reader, which reloads the index and reads again).
 *
 * <p>Stateless and thread-safe.
 */
final class ParallelReads {
    private ParallelReads() {
    }

    static Map<String, ByteBuffer> readAll(S3DesReader reader, CachedIndex c, Collection<String> names,
                                           ObjectRanges ranges, ExecutorService executor) {
        String name = reader.name();
        DesReadOptions options = reader.options();
        List<DesEntry> internal = new ArrayList<>();
        List<DesEntry> external = new ArrayList<>();
        Map<String, ByteBuffer> got = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            DesEntry e = reader.readable(c, n);
            if (!seen.add(e.name())) {
                continue;
            }
            if (e.isExternal()) {
                external.add(e);
            } else if (e.size() == 0) {
                DesPayloads.checkCrc(reader.name(), e, new byte[0], 0, 0, options.verifyChecksums());
                got.put(e.name(), ByteBuffer.allocate(0).asReadOnlyBuffer());
            } else {
                internal.add(e);
            }
        }
        List<CompletableFuture<Map<String, ByteBuffer>>> tasks = new ArrayList<>();
        for (DesReadPlan.Read r : DesReadPlan.plan(internal, options.mergeGap(), options.maxMergedRead())) {
            tasks.add(CompletableFuture.supplyAsync(() -> readRange(name, options, c, r, ranges), executor));
        }
        for (DesEntry e : external) {
            tasks.add(CompletableFuture.supplyAsync(() -> {
                if (e.size() > Integer.MAX_VALUE - 8) {
                    throw new DesLimitException(name, e.name(), "size", e.size(), Integer.MAX_VALUE - 8,
                            name + ": entry '" + e.name() + "' is " + e.size() + " bytes, too big for one buffer; use openStream or transferTo");
                }
                return Map.of(e.name(), ByteBuffer.wrap(reader.readExternal(e)).asReadOnlyBuffer());
            }, executor));
        }
        for (CompletableFuture<Map<String, ByteBuffer>> t : tasks) {
            got.putAll(join(t));
        }
        Map<String, ByteBuffer> result = new LinkedHashMap<>();
        for (String n : names) {
            result.put(n, got.get(n).duplicate());
        }
        return result;
    }

    private static Map<String, ByteBuffer> readRange(String name, DesReadOptions options, CachedIndex c,
                                                     DesReadPlan.Read r, ObjectRanges ranges) {
        if (r.length() > Integer.MAX_VALUE - 8) {   // one entry larger than maxMergedRead and 2 GiB
            DesEntry e = r.entries().get(0);
            throw new DesLimitException(name, e.name(), "size", e.size(), Integer.MAX_VALUE - 8,
                    name + ": entry '" + e.name() + "' is " + e.size() + " bytes, too big for one buffer; use openStream or transferTo");
        }
        byte[] block = ranges.range(r.start(), (int) r.length(), c.etag(), "payloads at offset " + r.start()).bytes();
        Map<String, ByteBuffer> out = new HashMap<>();
        for (DesEntry e : r.entries()) {
            int rel = r.offsetOf(e);
            DesPayloads.checkCrc(name, e, block, rel, (int) e.size(), options.verifyChecksums());
            out.put(e.name(), ByteBuffer.wrap(block, rel, (int) e.size()).slice().asReadOnlyBuffer());
        }
        return out;
    }

    /** The task's result; its exception unwrapped from {@link CompletionException}. */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw ex;
        }
    }
}
