package io.stowage.s3;

import dev.failsafe.Failsafe;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetrySettingsTest {
    private static AwsServiceException status(int status, String code) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m").build()).build();
    }

    @Test
    void theTransientRule() {
        assertThat(S3Errors.isTransient(status(503, "SlowDown"))).isTrue();
        assertThat(S3Errors.isTransient(status(500, "InternalError"))).isTrue();
        assertThat(S3Errors.isTransient(status(429, null))).isTrue();
        assertThat(S3Errors.isTransient(status(400, "RequestTimeout"))).isTrue();
        assertThat(S3Errors.isTransient(status(403, "AccessDenied"))).isFalse();
        assertThat(S3Errors.isTransient(status(404, "NoSuchKey"))).isFalse();
        assertThat(S3Errors.isTransient(SdkClientException.create("connection reset"))).isTrue();
        assertThat(S3Errors.isTransient(new IOException("reset"))).isTrue();
        assertThat(S3Errors.isTransient(new InterruptedIOException())).isFalse();
        assertThat(S3Errors.isTransient(new IllegalStateException())).isFalse();
        assertThat(S3Errors.describe(status(503, "SlowDown"))).isEqualTo("S3 error 503 SlowDown: m");
        assertThat(S3Errors.describe(new IOException("outer", new IOException("root cause"))))
                .isEqualTo("outer (IOException: root cause)");
    }

    @Test
    void policyRetriesTransientFailuresUpToMaxAttempts() {
        RetrySettings r = RetrySettings.defaults().withMaxAttempts(3).withInitialBackoff(Duration.ofMillis(1))
                .withMaxBackoff(Duration.ofMillis(4));
        AtomicInteger calls = new AtomicInteger();
        String v = Failsafe.with(r.<String>policy()).get(() -> {
            if (calls.incrementAndGet() < 3) {
                throw status(503, "SlowDown");
            }
            return "ok";
        });
        assertThat(v).isEqualTo("ok");
        assertThat(calls).hasValue(3);

        calls.set(0);
        assertThatThrownBy(() -> Failsafe.with(r.<String>policy()).get(() -> {
            calls.incrementAndGet();
            throw status(500, "InternalError");
        })).isInstanceOf(AwsServiceException.class);
        assertThat(calls).hasValue(3);

        calls.set(0);
        assertThatThrownBy(() -> Failsafe.with(r.<String>policy()).get(() -> {
            calls.incrementAndGet();
            throw status(403, "AccessDenied");
        })).isInstanceOf(AwsServiceException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void policyWithItsOwnRuleAndCopies() {
        RetrySettings r = RetrySettings.none().withMaxAttempts(4);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Failsafe.with(r.<Void>policy(e -> e instanceof IllegalStateException)).run(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("again");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(4);
        assertThat(r.withMaxBackoff(Duration.ofSeconds(3)).maxBackoff()).isEqualTo(Duration.ofSeconds(3));
        assertThat(UploadOptions.defaults().retry()).isEqualTo(RetrySettings.defaults());
        assertThatThrownBy(() -> r.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..50");
        assertThatThrownBy(() -> r.withInitialBackoff(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
