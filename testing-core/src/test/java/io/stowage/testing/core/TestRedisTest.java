package io.stowage.testing.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The prefix shape and the PING check against the machine's Redis. */
class TestRedisTest {
    @Test
    void prefixesAreFreshPerCallAndNameTheClass() {
        String a = TestRedis.prefix(TestRedisTest.class);
        assertThat(a).matches("stowage-test:TestRedisTest:[0-9a-f]{8}:");
        assertThat(TestRedis.prefix(TestRedisTest.class)).isNotEqualTo(a);
    }

    @Test
    void theTestRedisAnswers() {
        assertThat(TestRedis.url()).startsWith("redis");
        TestRedis.requireReachable();
    }
}
