package io.stowage.testing;

import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.S3Settings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedS3ExtensionTest {
    @RegisterExtension
    static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();

    @Test
    void eachTestGetsItsOwnEmptyBucket() {
        assertThat(S3.client().listObjectsV2(b -> b.bucket(S3.bucket())).contents()).isEmpty();
        S3.client().putObject(b -> b.bucket(S3.bucket()).key("a.txt"), RequestBody.fromString("x"));
        assertThat(S3.client().listObjectsV2(b -> b.bucket(S3.bucket())).keyCount()).isEqualTo(1);
    }

    @Test
    void anotherTestDoesNotSeeTheFirstOnesObjects() {
        assertThat(S3.client().listObjectsV2(b -> b.bucket(S3.bucket())).contents()).isEmpty();
    }

    @Test
    void settingsReachTheServerOverHttp() {
        assertThat(S3.endpoint().getScheme()).isEqualTo("http");
        try (S3Client c = S3.settings().newClient()) {
            c.putObject(b -> b.bucket(S3.bucket()).key("k"), RequestBody.fromString("v"));
            assertThat(S3.client().getObjectAsBytes(b -> b.bucket(S3.bucket()).key("k")).asUtf8String())
                    .isEqualTo("v");
        }
        String extra = S3.newBucket("Extra Bucket!");
        assertThat(S3.server().buckets()).contains(extra);
    }

    @Nested
    @ExtendWith(EmbeddedS3Extension.class)
    class ParameterInjection {
        @Test
        void resolvesServerClientSettingsEndpointAndBucket(EmbeddedS3 server, S3Client client, S3Settings settings,
                                                           URI endpoint, @S3Bucket String bucket) {
            assertThat(endpoint).isEqualTo(server.endpoint());
            assertThat(settings.endpoint()).isEqualTo(server.endpoint());
            assertThat(server.buckets()).contains(bucket);
            client.putObject(b -> b.bucket(bucket).key("p"), RequestBody.fromString("q"));
            assertThat(client.headObject(b -> b.bucket(bucket).key("p")).contentLength()).isEqualTo(1);
        }
    }
}
