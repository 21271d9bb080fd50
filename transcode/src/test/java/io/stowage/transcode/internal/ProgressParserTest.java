package io.stowage.transcode.internal;

import io.stowage.transcode.ProgressEvent;
import io.stowage.transcode.TranscodeListener;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressParserTest {
    /** A real -progress stream of ffmpeg 8.0.1 (abridged), including N/A values and a negative start time. */
    static final String SAMPLE = """
            frame=0
            fps=0.00
            stream_0_0_q=0.0
            bitrate=N/A
            total_size=N/A
            out_time_us=-577014
            out_time_ms=-577014
            out_time=-00:00:00.577014
            dup_frames=0
            drop_frames=0
            speed=N/A
            progress=continue
            frame=19
            fps=7.60
            stream_0_0_q=28.0
            bitrate=   0.6kbits/s
            total_size=48
            out_time_us=680000
            out_time_ms=680000
            out_time=00:00:00.680000
            dup_frames=0
            drop_frames=0
            speed=0.272x
            progress=continue
            frame=500
            fps=26.00
            stream_0_0_q=-1.0
            bitrate= 133.5kbits/s
            total_size=332800
            out_time_us=19920000
            out_time_ms=19920000
            out_time=00:00:19.920000
            dup_frames=0
            drop_frames=0
            speed=1.02x
            progress=end
            """;

    static List<ProgressBlock> parse(byte[] bytes, int chunk) {
        List<ProgressBlock> blocks = new ArrayList<>();
        ProgressParser p = new ProgressParser(blocks::add);
        for (int i = 0; i < bytes.length; i += chunk) {
            p.feed(bytes, i, Math.min(chunk, bytes.length - i));
        }
        return blocks;
    }

    @Test
    void parsesBlocksWithUnknownValues() {
        List<ProgressBlock> b = parse(SAMPLE.getBytes(StandardCharsets.UTF_8), 4096);
        assertThat(b).hasSize(3);
        assertThat(b.get(0)).isEqualTo(new ProgressBlock(0, 0.0, 0, -1, Double.NaN, false));
        assertThat(b.get(1)).isEqualTo(new ProgressBlock(19, 7.6, 680_000, 48, 0.272, false));
        assertThat(b.get(2).end()).isTrue();
        assertThat(b.get(2).outTimeMicros()).isEqualTo(19_920_000);
        assertThat(b.get(2).speed()).isEqualTo(1.02);
    }

    @Test
    void inputSplitAtEveryByteBoundaryGivesTheSameBlocks() {
        byte[] bytes = SAMPLE.getBytes(StandardCharsets.UTF_8);
        List<ProgressBlock> whole = parse(bytes, bytes.length);
        for (int chunk = 1; chunk <= 64; chunk++) {
            assertThat(parse(bytes, chunk)).as("chunk %d", chunk).isEqualTo(whole);
        }
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<ProgressBlock> blocks = new ArrayList<>();
            ProgressParser p = new ProgressParser(blocks::add);
            p.feed(bytes, 0, cut);
            p.feed(bytes, cut, bytes.length - cut);
            assertThat(blocks).as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void crlfAndGarbageLinesAreTolerated() {
        String s = "frame=5\r\nnonsense\r\n=x\r\nfps=abc\r\nout_time_us=1000000\r\nprogress=continue\r\n";
        List<ProgressBlock> b = parse(s.getBytes(StandardCharsets.UTF_8), 3);
        assertThat(b).containsExactly(new ProgressBlock(5, Double.NaN, 1_000_000, -1, Double.NaN, false));
    }

    @Test
    void trackerComputesPercentAndEtaAndNeverGoesBack() {
        List<ProgressEvent> events = new ArrayList<>();
        ProgressTracker t = new ProgressTracker(TranscodeListener.progress(events::add), Duration.ofSeconds(20));
        t.newAttempt("libx264");
        t.accept(new ProgressBlock(250, 25, 10_000_000, 1000, 2.0, false));
        t.accept(new ProgressBlock(100, 25, 4_000_000, 1000, 2.0, false)); // a retry starting over
        t.accept(new ProgressBlock(-1, Double.NaN, -1, -1, Double.NaN, false)); // all N/A
        t.accept(new ProgressBlock(500, 25, 19_900_000, 3000, 2.0, true));
        assertThat(events).extracting(ProgressEvent::percent).containsExactly(50.0, 50.0, 50.0, 100.0);
        assertThat(events.get(0).eta()).isEqualTo(Duration.ofSeconds(5));
        assertThat(events.get(0).encoder()).isEqualTo("libx264");
        assertThat(events.get(2).eta()).isNull();
        assertThat(events.get(3).done()).isTrue();
        assertThat(t.endSeen()).isTrue();
    }

    @Test
    void unknownDurationGivesNaNUntilTheEnd() {
        List<ProgressEvent> events = new ArrayList<>();
        ProgressTracker t = new ProgressTracker(TranscodeListener.progress(events::add), null);
        t.accept(new ProgressBlock(10, 25, 400_000, 100, 1.0, false));
        t.accept(new ProgressBlock(20, 25, 800_000, 200, 1.0, true));
        assertThat(events.get(0).percent()).isNaN();
        assertThat(events.get(1).percent()).isEqualTo(100.0);
    }

    @Test
    void aThrowingListenerDoesNotBreakTracking() {
        ProgressTracker t = new ProgressTracker(TranscodeListener.progress(e -> {
            throw new IllegalStateException("boom");
        }), Duration.ofSeconds(1));
        t.accept(new ProgressBlock(1, 1, 1, 1, 1, true));
        assertThat(t.endSeen()).isTrue();
    }
}
