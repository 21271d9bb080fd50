package io.stowage.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config file, then environment, then options; every bad value named with where it came from. */
class SyncConfigTest {
    @TempDir
    Path tmp;

    private Path file(String json) throws Exception {
        Path f = tmp.resolve("sync.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void fileThenEnvironmentThenOptionsLaterWins() throws Exception {
        Path f = file("{\"project\": \"photos\", \"bucket\": \"from-file\", \"workers\": 8, \"trigger_url\": "
                + "\"http://hooks.local/done\", \"claim_timeout_s\": 30, \"check_remote\": true}");
        Map<String, String> env = Map.of("STOWAGE_SYNC_BUCKET", "from-env", "STOWAGE_SYNC_WORKERS", "12",
                "PATH", "/usr/bin", "STOWAGE_S3_ENDPOINT", "http://x");
        Map<String, Object> options = new HashMap<>();
        options.put("workers", 20);
        options.put("state", "ledger.db");
        options.put("prefix", null);   // not given
        SyncConfig c = SyncConfigLoader.load(f, env, options);
        assertThat(c.project()).isEqualTo("photos");
        assertThat(c.bucket()).isEqualTo("from-env");
        assertThat(c.workers()).isEqualTo(20);
        assertThat(c.state()).isEqualTo("ledger.db");
        assertThat(c.checkRemote()).isTrue();
        assertThat(c.claimTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.triggerUrl()).isEqualTo(URI.create("http://hooks.local/done"));
        assertThat(c.prefix()).isEmpty();
    }

    @Test
    void anUnknownKeyIsNamedWithItsSource() throws Exception {
        assertThatThrownBy(() -> SyncConfigLoader.load(file("{\"bukcet\": \"x\"}"), Map.of(), Map.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("sync.json: unknown key 'bukcet'")
                .hasMessageContaining("known keys: project, state");
        assertThatThrownBy(() -> SyncConfigLoader.load(null, Map.of("STOWAGE_SYNC_WROKERS", "3"), Map.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("environment variable STOWAGE_SYNC_WROKERS: unknown key");
    }

    @Test
    void aWrongTypeIsNamedWithTheValue() throws Exception {
        assertThatThrownBy(() -> SyncConfigLoader.load(file("{\"workers\": \"many\"}"), Map.of(), Map.of()))
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("'workers' must be an integer, got \"many\"")
                .satisfies(e -> assertThat(((SyncConfigException) e).key()).isEqualTo("workers"));
        assertThatThrownBy(() -> SyncConfigLoader.load(file("{\"check_remote\": \"yes\"}"), Map.of(), Map.of()))
                .hasMessageContaining("'check_remote' must be true or false");
        assertThatThrownBy(() -> SyncConfigLoader.load(file("{\"bucket\": 12}"), Map.of(), Map.of()))
                .hasMessageContaining("'bucket' must be a string, got 12");
        assertThatThrownBy(() -> SyncConfigLoader.load(null, Map.of("STOWAGE_SYNC_CLAIM_TIMEOUT_S", "soon"), Map.of()))
                .hasMessageContaining("STOWAGE_SYNC_CLAIM_TIMEOUT_S: 'claim_timeout_s' must be a number of seconds");
        assertThatThrownBy(() -> SyncConfigLoader.load(null, Map.of(), Map.of("workers", 0)))
                .hasMessageContaining("workers 0 is outside 1..1024");
    }

    @Test
    void badFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> SyncConfigLoader.load(tmp.resolve("none.json"), Map.of(), Map.of()))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SyncConfigLoader.load(file("{\"project\": "), Map.of(), Map.of()))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("is not valid JSON");
        assertThatThrownBy(() -> SyncConfigLoader.load(file("[1, 2]"), Map.of(), Map.of()))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("one JSON object");
    }

    @Test
    void whatAnUploadNeedsIsCheckedBeforeAnything() throws Exception {
        SyncConfig base = SyncConfig.defaults();
        assertThatThrownBy(base.withProject("p", null)::requireUploadable)
                .hasMessageContaining("--project p needs --state URL");
        assertThatThrownBy(base.withProject("p", "l.db")::requireUploadable)
                .hasMessageContaining("no bucket: give s3://BUCKET/PREFIX, \"bucket\" in the config file or "
                        + "STOWAGE_SYNC_BUCKET");
        assertThatThrownBy(base.withProject("p", "l.db").withTarget("bucket", "")::requireUploadable)
                .hasMessageContaining("no source folder");
        assertThatThrownBy(base.withProject("p", "l.db").withTarget("bucket", "").withSource(tmp.resolve("gone"))
                ::requireUploadable)
                .isInstanceOf(SyncConfigException.class)
                .hasMessageContaining("source folder " + tmp.resolve("gone") + " does not exist");
        assertThatThrownBy(base.withProject(null, "l.db")::requireLedger).hasMessageContaining("no project");
        assertThat(base.withProject("p", "l.db").withTarget("bucket", "x").withSource(tmp).requireUploadable())
                .isNotNull();
    }

    @Test
    void valuesAreValidated() {
        assertThatThrownBy(() -> SyncConfig.defaults().withProject("bad name!", "x"))
                .hasMessageContaining("project name 'bad name!' is not valid");
        assertThatThrownBy(() -> SyncConfig.defaults().withTrigger(URI.create("ftp://x/y"), Duration.ofSeconds(1), 1))
                .hasMessageContaining("is not an http(s) URL");
        assertThatThrownBy(() -> SyncConfig.defaults().withTarget("ab", ""))
                .hasMessageContaining("3 to 63 characters");
        assertThatThrownBy(() -> SyncConfig.defaults().withClaims(Duration.ofMillis(5), 10))
                .hasMessageContaining("claim_timeout_s 0.005 is outside");
    }

    @Test
    void theRecordedConfigurationHidesThePassword() throws Exception {
        SyncConfig c = SyncConfig.defaults().withProject("p", "jdbc:postgresql://db/x?user=u&password=hunter2");
        assertThat(c.toJson()).contains("password=***").doesNotContain("hunter2");
        List<String> written = new ArrayList<>();
        new ObjectMapper().readTree(c.toJson()).fieldNames().forEachRemaining(written::add);
        assertThat(written).containsExactlyElementsOf(SyncConfig.keys());
    }

    @Test
    void theSelectionIsConfiguredLikeEveryOtherKey() throws Exception {
        Path f = file("{\"include\": [\"cam*/**\"], \"ext\": [\".JPG\", \"mp4\"]}");
        SyncConfig c = SyncConfigLoader.load(f, Map.of("STOWAGE_SYNC_EXCLUDE", "**/.git/**, *.{tmp,part}"),
                Map.of());
        assertThat(c.include()).containsExactly("cam*/**");
        assertThat(c.exclude()).containsExactly("**/.git/**", "*.{tmp,part}");
        assertThat(c.extensions()).containsExactly("jpg", "mp4");
        Map<String, Object> options = new HashMap<>();
        options.put("include", List.of("a/**"));
        options.put("ext", null);   // not given: the file's stays
        SyncConfig o = SyncConfigLoader.load(f, Map.of(), options);
        assertThat(o.include()).containsExactly("a/**");
        assertThat(o.extensions()).containsExactly("jpg", "mp4");
        assertThat(c.toJson()).contains("\"include\":[\"cam*/**\"]").contains("\"ext\":[\"jpg\",\"mp4\"]");
        assertThatThrownBy(() -> SyncConfigLoader.load(file("{\"ext\": \"jpg\"}"), Map.of(), Map.of()))
                .hasMessageContaining("'ext' must be an array of strings");
        assertThatThrownBy(() -> SyncConfig.defaults().withSelection(List.of("a/[b"), List.of(), List.of()))
                .isInstanceOf(SyncConfigException.class).hasMessageContaining("include glob 'a/[b' is not valid");
    }

    @Test
    void theRecordedConfigurationReadsBackAndNamesWhatChanged() {
        SyncConfig c = SyncConfig.defaults().withProject("p", "jdbc:postgresql://db/x?user=u&password=hunter2")
                .withSource(tmp).withTarget("bucket", "pre").withWorkers(7)
                .withSelection(List.of("a/**"), List.of(), List.of("jpg"))
                .withClaims(Duration.ofMillis(1500), 10)
                .withTrigger(URI.create("http://hooks.local/x"), Duration.ofSeconds(2), 4);
        SyncConfig back = SyncConfigLoader.fromJson(c.toJson());
        assertThat(back.toJson()).isEqualTo(c.toJson());
        assertThat(c.changedKeys(back)).isEmpty();
        assertThat(c.withWorkers(8).withSelection(List.of(), List.of(), List.of("jpg")).changedKeys(back))
                .containsExactly("include", "workers");
        assertThat(c.changedKeys(null)).isEqualTo(SyncConfig.keys());
        // an entry written before the selection keys existed: they take their defaults, so nothing changed
        String old = c.withSelection(List.of(), List.of(), List.of()).toJson()
                .replace(",\"include\":[],\"exclude\":[],\"ext\":[]", "");
        assertThat(old).doesNotContain("include");
        assertThat(c.withSelection(List.of(), List.of(), List.of()).changedKeys(SyncConfigLoader.fromJson(old)))
                .isEmpty();
    }
}
