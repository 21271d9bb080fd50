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
 *
 * <p>An annotation, so nothing is shared between threads; the bucket it fills belongs to one test method, which makes
 * it the safe choice under parallel test execution.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface S3Bucket {}
