package io.stowage.testing;

import io.stowage.s3.EmbeddedS3;
import io.stowage.s3.S3Settings;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JUnit 5 extension that runs an {@link EmbeddedS3} (S3Proxy over a temporary folder, real HTTP) for a test class
 * and gives every test method its own fresh, empty bucket, so tests never see each other's objects.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final EmbeddedS3Extension S3 = EmbeddedS3Extension.create();
 *
 *     @Test
 *     void roundTrip() {
 *         S3.client().putObject(b -> b.bucket(S3.bucket()).key("a"), RequestBody.fromString("x"));
 *     }
 * }
 *
 * @ExtendWith(EmbeddedS3Extension.class)
 * class OtherTest {
 *     @Test
 *     void t(S3Client client, @S3Bucket String bucket, EmbeddedS3 server) { ... }
 * }
 * }</pre>
 *
 * <p>Parameters it resolves: {@link EmbeddedS3}, {@link S3Client} (one shared client), {@link S3Settings},
 * {@link URI} (the endpoint) and a {@code String} annotated {@link S3Bucket} (the test's bucket).
 *
 * <p>Thread-safety: the server and client are thread-safe; {@link #bucket()} belongs to the current test, so with
 * parallel test execution in one class prefer the {@link S3Bucket} parameter.
 */
public final class EmbeddedS3Extension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedS3Extension.class);
    private static final AtomicLong COUNTER = new AtomicLong();

    private volatile EmbeddedS3 server;
    private volatile S3Client client;
    private volatile String bucket;

    /** Used by {@code @ExtendWith}; with {@code @RegisterExtension} prefer {@link #create()}. */
    public EmbeddedS3Extension() {}

    /** An extension for a {@code static} {@code @RegisterExtension} field. */
    public static EmbeddedS3Extension create() {
        return new EmbeddedS3Extension();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (server == null) {
            server = EmbeddedS3.builder().start();
            client = server.newClient();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            client = null;
            if (server != null) {
                server.close();
            }
            server = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String name = bucketName(context);
        server().createBucket(name);
        bucket = name;
        context.getStore(NS).put("bucket", name);
    }

    private static String bucketName(ExtensionContext context) {
        String m = context.getTestMethod().map(x -> x.getName()).orElse("test").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-");
        if (m.length() > 40) {
            m = m.substring(0, 40);
        }
        m = m.replaceAll("^-+|-+$", "");
        return "t" + COUNTER.incrementAndGet() + "-" + (m.isEmpty() ? "test" : m);
    }

    /** The running server; valid between {@code beforeAll} and {@code afterAll}. */
    public EmbeddedS3 server() {
        EmbeddedS3 s = server;
        if (s == null) {
            throw new IllegalStateException("EmbeddedS3Extension is not running: register it on a static field "
                    + "with @RegisterExtension, or use @ExtendWith on the class");
        }
        return s;
    }

    /** A client for the server, shared by the class's tests; do not close it. */
    public S3Client client() {
        server();
        return client;
    }

    /** Settings that reach the server. */
    public S3Settings settings() {
        return server().settings();
    }

    /** The endpoint URL. */
    public URI endpoint() {
        return server().endpoint();
    }

    /** The current test's empty bucket. */
    public String bucket() {
        String b = bucket;
        if (b == null) {
            throw new IllegalStateException("no test is running: bucket() is valid inside a test method");
        }
        return b;
    }

    /** Creates and returns another empty bucket with a unique name starting with {@code hint}. */
    public String newBucket(String hint) {
        String h = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String name = "b" + COUNTER.incrementAndGet() + "-" + (h.length() > 40 ? h.substring(0, 40) : h);
        name = name.replaceAll("-+$", "");
        server().createBucket(name);
        return name;
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        return t == EmbeddedS3.class || t == S3Client.class || t == S3Settings.class || t == URI.class
                || (t == String.class && pc.isAnnotated(S3Bucket.class));
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        if (t == EmbeddedS3.class) {
            return server();
        } else if (t == S3Client.class) {
            return client();
        } else if (t == S3Settings.class) {
            return settings();
        } else if (t == URI.class) {
            return endpoint();
        } else if (t == String.class) {
            String b = ec.getStore(NS).get("bucket", String.class);
            if (b == null) {
                throw new ParameterResolutionException("@S3Bucket is only available to test methods, "
                        + "not to constructors or @BeforeAll methods");
            }
            return b;
        }
        throw new ParameterResolutionException("cannot resolve " + t);
    }
}
