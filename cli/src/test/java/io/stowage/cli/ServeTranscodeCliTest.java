package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.service.JwtSettings;
import io.stowage.service.JwtTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class ServeTranscodeCliTest {
    @TempDir
    Path dir;

    @Test
    void tokenCreateSignsWithTheServiceKeyGeneratedOnce() throws Exception {
        CliRun r = CliRun.of("token", "create", "--user", "alice", "--ttl", "1h", "--state-dir", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path key = dir.resolve("jwt-key.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String before = Files.readString(key);
        JwtTokens service = JwtTokens.fromKeyFile(key, JwtSettings.defaults());
        assertThat(service.verify(r.out().trim()).user()).isEqualTo("alice");
        CliRun again = CliRun.of("token", "create", "--user", "bob", "--state-dir", dir.toString(), "--json");
        JsonNode j = new ObjectMapper().readTree(again.out());
        assertThat(service.verify(j.get("token").asText()).user()).isEqualTo("bob");
        assertThat(j.get("expires_at").asText()).endsWith("Z");
        assertThat(Files.readString(key)).isEqualTo(before);
    }

    @Test
    void tokenCreateRefusesABadUserOrTtl() {
        assertThat(CliRun.of("token", "create", "--user", "../x", "--state-dir", dir.toString()).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("token", "create", "--user", "a", "--ttl", "0", "--state-dir", dir.toString()).exitCode())
                .isEqualTo(2);
    }

    @Test
    void missingRedisIsAClearErrorThatSaysHowToStartIt() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        CliRun r = CliRun.of("serve", "transcode", "--redis", "redis://127.0.0.1:" + free, "--port", "0",
                "--state-dir", dir.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        JsonNode e = new ObjectMapper().readTree(r.out()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("ServiceUnavailableException");
        assertThat(e.get("message").asText()).contains("redis://127.0.0.1:" + free, "redis-server", "--redis");
    }
}
