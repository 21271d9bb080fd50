package io.stowage.transcode.jobs;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever a user calls a file, the reduced name is one plain key segment, or a typed error. */
class SafeNamesProperties {

    @Property(tries = 2000)
    void reducedNameIsOneSafeSegmentOrATypedError(@ForAll String name) {
        String safe;
        try {
            safe = SafeNames.reduce(name);
        } catch (TranscodeJobsUnsafeNameException e) {
            assertThat(e.name()).isEqualTo(name);
            return;
        }
        assertThat(safe).matches("[A-Za-z0-9_-][A-Za-z0-9._-]*");
        assertThat(safe).doesNotContain("/").doesNotStartWith(".");
        assertThat(safe.length()).isBetween(1, SafeNames.MAX_BYTES);
    }

    @Property(tries = 500)
    void pathPrefixesNeverChangeTheName(@ForAll("plain") String base) {
        assertThat(SafeNames.reduce("../../" + base)).isEqualTo(SafeNames.reduce(base));
        assertThat(SafeNames.reduce("C:\\\\x\\" + base)).isEqualTo(SafeNames.reduce(base));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> plain() {
        return net.jqwik.api.Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20)
                .map(s -> s + ".mp4");
    }
}
