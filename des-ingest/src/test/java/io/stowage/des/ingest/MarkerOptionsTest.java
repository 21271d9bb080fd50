package io.stowage.des.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarkerOptionsTest {
    @Test
    void defaultsAreThoseOfTheExistingWorker() {
        MarkerOptions o = MarkerOptions.fromEnvironment(Map.of());
        assertThat(o).isEqualTo(MarkerOptions.defaults());
        assertThat(o.prefix()).isEqualTo("DES");
        assertThat(o.nodeId()).isZero();
        assertThat(o.batchSize()).isEqualTo(100);
        assertThat(o.maxAge()).isEqualTo(Duration.ofDays(1));
        assertThat(o.maxRetries()).isEqualTo(3);
        assertThat(o.retryBackoffBase()).isEqualTo(2.0);
        assertThat(o.rateLimit()).isZero();
        assertThat(o.enableDlq()).isTrue();
        assertThat(o.dlqTable()).isEqualTo("des_marker_dlq");
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.backoff(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.backoff(3)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void everyVariableIsRead() {
        MarkerOptions o = MarkerOptions.fromEnvironment(Map.ofEntries(Map.entry("DES_NAME_PREFIX", "CAM"),
                Map.entry("DES_NODE_ID", "12"), Map.entry("DES_WRAP_BITS", "30"),
                Map.entry("DES_MARKER_BATCH_SIZE", "500"), Map.entry("DES_MARKER_MAX_AGE_DAYS", "0.5"),
                Map.entry("DES_MARKER_MAX_RETRIES", "5"), Map.entry("DES_MARKER_RETRY_BACKOFF_BASE", "3"),
                Map.entry("DES_MARKER_RATE_LIMIT", "250.5"), Map.entry("DES_MARKER_ENABLE_DLQ", "false"),
                Map.entry("DES_MARKER_DLQ_TABLE", "ops.marker_dlq"), Map.entry("DES_MARKER_INTERVAL_SECONDS", "1.5")));
        assertThat(o).isEqualTo(new MarkerOptions("CAM", 12, 30, 500, Duration.ofHours(12), 5, 3.0,
                Duration.ofSeconds(1), 250.5, false, "ops.marker_dlq", Duration.ofMillis(1500),
                Duration.ofSeconds(30)));
    }

    @Test
    void aBadValueNamesItsVariable() {
        assertThatThrownBy(() -> MarkerOptions.fromEnvironment(Map.of("DES_MARKER_BATCH_SIZE", "lots")))
                .isInstanceOfSatisfying(DesIngestConfigException.class,
                        e -> assertThat(e.keyPath()).isEqualTo("DES_MARKER_BATCH_SIZE"))
                .hasMessageContaining("DES_MARKER_BATCH_SIZE=lots");
        assertThatThrownBy(() -> MarkerOptions.fromEnvironment(Map.of("DES_NODE_ID", "300")))
                .isInstanceOf(DesIngestConfigException.class).hasMessageContaining("0..255");
        assertThatThrownBy(() -> MarkerOptions.fromEnvironment(Map.of("DES_MARKER_DLQ_TABLE", "x; DROP TABLE y")))
                .isInstanceOf(DesIngestConfigException.class).hasMessageContaining("plain SQL name");
        assertThatThrownBy(() -> MarkerOptions.fromEnvironment(Map.of("DES_NAME_PREFIX", "DES-1")))
                .isInstanceOf(DesIngestConfigException.class);
        assertThatThrownBy(() -> MarkerOptions.fromEnvironment(Map.of("DES_MARKER_ENABLE_DLQ", "maybe")))
                .isInstanceOf(DesIngestConfigException.class).hasMessageContaining("true or false");
    }

    @Test
    void theRateLimiterSpacesOperations() {
        long[] now = {1_000_000_000L};
        RateLimiter l = new RateLimiter(100, () -> now[0]);
        assertThat(l.delayNanos(50)).isEqualTo(500_000_000L);   // 50 ops at 100/s: half a second
        now[0] += 500_000_000L;
        assertThat(l.delayNanos(100)).isEqualTo(1_000_000_000L);
        now[0] += 5_000_000_000L;                              // idle: no debt carried over
        assertThat(l.delayNanos(1)).isEqualTo(10_000_000L);
        assertThat(new RateLimiter(0, () -> 0).delayNanos(1000)).isZero();
    }
}
