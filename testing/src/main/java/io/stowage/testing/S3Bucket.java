package io.stowage.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} test-method parameter that {@link EmbeddedS3Extension} fills with the test's own empty bucket.
 *
 * <p>{@code @Test void t(@S3Bucket String bucket, S3Client s3) { ... }}
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface S3Bucket {}
