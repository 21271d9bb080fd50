package io.stowage.es.internal;

import io.stowage.es.EsResumeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resume checkpoint document: today's files, Jackson round trips, and what is refused. */
class ResumeCheckpointTest {
    private static final String HASH = "e04b842862e4957cbd33f8fd71bad13d083b9e6b5ead7c053372398befcfa54e";

    @TempDir
    Path tmp;

    private static String legacy() throws IOException {
        try (InputStream in = ResumeCheckpointTest.class.getResourceAsStream("/legacy-checkpoint/clip.ts.part.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void legacyFileReadsIntoTypedFieldsAndWritesTheSameKeys() throws IOException {
        ResumeCheckpoint cp = ResumeCheckpoint.parse(legacy());
        assertThat(cp.version()).isEqualTo(1);
        assertThat(cp.planSha256()).isEqualTo(HASH);
        assertThat(cp.nextIndex()).isEqualTo(5);
        assertThat(cp.bytes()).isEqualTo(213568);
        assertThat(cp.crc32()).isEqualTo(2265991841L);
        assertThat(cp.lastUtcNs()).isEqualTo(1735732815840000000L);
        assertThat(cp.failed()).containsExactly(new ResumeCheckpoint.Failure("01012025/12/1735732804-1735732808.es",
                "cannot read 01012025/12/1735732804-1735732808.es (HTTP 403 AccessDenied): simulated", 1));
        assertThat(cp.corrupt()).hasSize(1);
        assertThat(cp.gaps()).hasSize(2);
        Stitcher.Snapshot s = cp.snapshot();
        assertThat(s.suspect()).isEqualTo(new GapLog.Suspect(1735732815840000000L, Long.MIN_VALUE, false, false,
                "corrupt data"));

        String written = cp.toJson();
        assertThat(ResumeCheckpoint.parse(written)).isEqualTo(cp);
        assertThat(written).contains("\"plan_sha256\": \"" + HASH + "\"", "\"next_index\": 5",
                "\"first_utc_ns\": 1735732798000000000", "\"suspect_reason\": \"corrupt data\"");
    }

    @Test
    void absentListsAreEmptyAndUnknownKeysIgnored() throws IOException {
        String json = legacy().replaceAll("(?s),\\s*\"missing\".*", "\n, \"future_key\": true}");
        ResumeCheckpoint cp = ResumeCheckpoint.parse(json);
        assertThat(cp.missing()).isEmpty();
        assertThat(cp.gaps()).isEmpty();
    }

    @Test
    void missingNumberOtherVersionAndOtherFetchAreRefused() throws IOException {
        Path state = tmp.resolve("clip.ts.part.json");
        Files.writeString(state, legacy().replace("\"bytes\": 213568,", ""));
        assertThatThrownBy(() -> ResumeCheckpoint.read(state, HASH)).isInstanceOf(EsResumeException.class)
                .hasMessageContaining("unreadable resume state").hasMessageContaining("bytes");
        Files.writeString(state, legacy().replace("\"bytes\": 213568,", "\"bytes\": null,"));
        assertThatThrownBy(() -> ResumeCheckpoint.read(state, HASH)).isInstanceOf(EsResumeException.class);
        Files.writeString(state, legacy().replace("\"version\": 1", "\"version\": 2"));
        assertThatThrownBy(() -> ResumeCheckpoint.read(state, HASH)).isInstanceOf(EsResumeException.class)
                .hasMessageContaining("state version 2 is not 1");
        Files.writeString(state, legacy());
        assertThatThrownBy(() -> ResumeCheckpoint.read(state, "0".repeat(64))).isInstanceOf(EsResumeException.class)
                .hasMessageContaining("belongs to another fetch (source legacy-vectors");
        Files.writeString(state, "{ not json");
        assertThatThrownBy(() -> ResumeCheckpoint.read(state, HASH)).isInstanceOf(EsResumeException.class)
                .hasMessageContaining("unreadable resume state");
    }
}
