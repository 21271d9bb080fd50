package io.stowage.testing.core;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Supplier;

/**
 * A {@link PgSchema} as a JUnit extension. In a static {@code @RegisterExtension} field: one schema for the test
 * class, created before its {@code @BeforeAll} methods and dropped after its {@code @AfterAll} methods; in an instance
 * field: one schema per test, created before its {@code @BeforeEach} methods and dropped after its {@code @AfterEach}
 * methods (so set-up and tear-down code can use {@link #url()} either way).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PgSchemaExtension pg = PgSchemaExtension.of("ledger");
 *
 * @Test void opens() { try (SyncLedger l = SyncLedger.open(pg.url())) { ... } }
 * }</pre>
 */
public final class PgSchemaExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final Supplier<PgSchema> factory;
    private volatile PgSchema schema;
    private volatile boolean perClass;

    private PgSchemaExtension(Supplier<PgSchema> factory) {
        this.factory = factory;
    }

    /** Schemas made by {@link PgSchema#create(String)} with this hint. */
    public static PgSchemaExtension of(String hint) {
        return new PgSchemaExtension(() -> PgSchema.create(hint));
    }

    /** Schemas made by {@code factory} (a module's own naming, e.g. one that sweeps schemas of killed runs first). */
    public static PgSchemaExtension of(Supplier<PgSchema> factory) {
        return new PgSchemaExtension(factory);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        schema = factory.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        drop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            schema = factory.get();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            drop();
        }
    }

    private void drop() {
        PgSchema s = schema;
        schema = null;
        if (s != null) {
            s.close();
        }
    }

    /** The schema in use: the class's or the current test's. */
    public PgSchema get() {
        PgSchema s = schema;
        if (s == null) {
            throw new IllegalStateException("no schema: PgSchemaExtension is used outside a test or its set-up; "
                    + "register it with @RegisterExtension");
        }
        return s;
    }

    /** {@link PgSchema#url()} of the schema in use. */
    public String url() {
        return get().url();
    }

    /** {@link PgSchema#schema()} of the schema in use. */
    public String schema() {
        return get().schema();
    }
}
