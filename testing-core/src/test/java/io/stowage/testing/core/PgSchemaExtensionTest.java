package io.stowage.testing.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.stowage.testing.core.PgSchemaTest.exists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The extension's two lifecycles: one schema for the class when static (the same in every test, dropped after the
 * class), one per test when an instance field (dropped after the test). The callbacks are driven by hand here (the
 * context is not read), and once by JUnit itself through the registered fields below.
 */
class PgSchemaExtensionTest {
    @RegisterExtension
    static final PgSchemaExtension CLASS = PgSchemaExtension.of("ext_class");
    @RegisterExtension
    final PgSchemaExtension perTest = PgSchemaExtension.of("ext_test");

    @Test
    void registeredFieldsHaveTheirSchemasDuringTheTest() throws Exception {
        assertThat(exists(CLASS.schema())).isTrue();
        assertThat(exists(perTest.schema())).isTrue();
        assertThat(CLASS.schema()).startsWith("t_ext_class_");
        assertThat(perTest.url()).contains("currentSchema=" + perTest.schema());
    }

    @Test
    void staticFieldKeepsOneSchemaForTheClassUntilAfterAll() throws Exception {
        PgSchemaExtension ext = PgSchemaExtension.of("ext_static");
        ext.beforeAll(null);
        String name = ext.schema();
        ext.beforeEach(null);       // a static field also gets the per-test callbacks: they must not replace it
        ext.afterEach(null);
        assertThat(ext.schema()).isEqualTo(name);
        assertThat(exists(name)).isTrue();
        ext.afterAll(null);
        assertThat(exists(name)).isFalse();
        assertThatThrownBy(ext::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("@RegisterExtension");
    }

    @Test
    void instanceFieldMakesAndDropsASchemaPerTest() throws Exception {
        PgSchemaExtension ext = PgSchemaExtension.of(() -> PgSchema.create("ext_each"));
        ext.beforeEach(null);
        String first = ext.schema();
        ext.afterEach(null);
        assertThat(exists(first)).isFalse();
        ext.beforeEach(null);
        String second = ext.schema();
        assertThat(second).isNotEqualTo(first);
        assertThat(exists(second)).isTrue();
        ext.afterEach(null);
        assertThat(exists(second)).isFalse();
    }
}
