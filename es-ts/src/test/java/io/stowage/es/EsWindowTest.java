package io.stowage.es;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The parallel fetch window: bounded read-ahead, output strictly in time order, whatever the completion order. */
class EsWindowTest {
    @TempDir
    Path tmp;

    @Test
    void readAheadStaysWithinTheWindowAndOutputIsInOrder() throws Exception {
        byte[] seg = Files.readAllBytes(Vectors.segments().resolve(Vectors.keys().get(1)));
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        AtomicInteger maxAhead = new AtomicInteger();
        Random jitter = new Random(3);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        EsSegmentStore remote = new EsSegmentStore() {
            @Override
            public String location() {
                return "test://remote";
            }

            @Override
            public SegmentData open(String key) {
                int ahead = opened.incrementAndGet() - written.get();
                maxAhead.accumulateAndGet(ahead, Math::max);
                try {
                    Thread.sleep(jitter.nextInt(3)); // completion order differs from request order
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ReadableByteChannel ch = Channels.newChannel(new java.io.ByteArrayInputStream(seg));
                return new SegmentData() {
                    @Override
                    public ReadableByteChannel channel() {
                        return ch;
                    }

                    @Override
                    public long size() {
                        return seg.length;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public List<String> list(String folder) {
                return List.of();
            }
        };
        Instant from = Instant.parse("2025-01-01T12:00:00Z");
        Instant to = from.plus(Duration.ofSeconds(4 * 200));
        EsFetchOptions o = EsFetchOptions.defaults().withWorkers(4).withWindow(6)
                .withUtcSlack(Duration.ofDays(1)); // every segment holds the same records
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EsFetchReport r = EsToTsParser.create(remote, o.withListener(new EsFetchListener() {
            @Override
            public void onSegment(EsSegment segment, long bytesSoFar) {
                written.incrementAndGet();
                order.add(segment.key());
            }
        })).fetch(from, to, out);

        assertThat(r.segmentsFetched()).isEqualTo(200);
        assertThat(order).isEqualTo(EsSegment.covering(from, to, Duration.ofSeconds(4)).stream()
                .map(EsSegment::key).toList());
        assertThat(maxAhead.get()).as("segments fetched ahead of the writer").isLessThanOrEqualTo(6);
        // every join repeats the same segment: continuity is marked, never broken
        Path f = tmp.resolve("loop.ts");
        Files.write(f, out.toByteArray());
        assertThat(TsChecker.create().check(f).ccErrors()).isZero();
        assertThat(ByteBuffer.wrap(out.toByteArray()).remaining()).isEqualTo(r.bytesWritten());
    }
}
