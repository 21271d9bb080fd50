package io.stowage.service;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtTokensTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(JwtAlgorithm.class)
    void roundTripWithAGeneratedKeyFileThatIsReused(JwtAlgorithm alg) throws Exception {
        Path key = dir.resolve("state/jwt-key.json");
        JwtSettings s = JwtSettings.defaults().withAlgorithm(alg);
        JwtTokens a = JwtTokens.fromKeyFile(key, s);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String before = Files.readString(key);
        String jwt = a.create("alice", Duration.ofMinutes(5));
        JwtTokens b = JwtTokens.fromKeyFile(key, s);
        assertThat(Files.readString(key)).isEqualTo(before);
        TokenClaims c = b.verify(jwt);
        assertThat(c.user()).isEqualTo("alice");
        assertThat(c.csrf()).isNull();
        assertThat(SignedJWT.parse(jwt).getHeader().getAlgorithm().getName()).isEqualTo(alg.name());
        assertThat(b.verify(b.createSession("bob")).csrf()).hasSize(32);
    }

    @Test
    void expiredIsRefused() {
        JwtTokens t = JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults());
        String jwt = t.create("alice", Duration.ofMinutes(-5));
        assertThatThrownBy(() -> t.verify(jwt)).isInstanceOf(ServiceUnauthorizedException.class)
                .hasMessageContaining("xpired");
    }

    @Test
    void aRememberedTokenIsStillRefusedOnceItExpires() throws Exception {
        JwtTokens t = JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults().withClockSkew(Duration.ZERO));
        String jwt = t.create("alice", Duration.ofSeconds(1));
        assertThat(t.verify(jwt).user()).isEqualTo("alice");
        assertThat(t.verify(jwt).user()).isEqualTo("alice"); // from the cache
        Instant exp = t.verify(jwt).expiresAt();
        while (!Instant.now().isAfter(exp.plusMillis(50))) {
            Thread.sleep(50);
        }
        assertThatThrownBy(() -> t.verify(jwt)).isInstanceOf(ServiceUnauthorizedException.class)
                .hasMessageContaining("xpired");
    }

    @Test
    void algNoneIsRefused() {
        JwtTokens t = JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults());
        String none = new PlainJWT(claims("alice")).serialize();
        assertThatThrownBy(() -> t.verify(none)).isInstanceOf(ServiceUnauthorizedException.class);
        // a none header glued onto a real token's payload and signature
        String real = t.create("alice", Duration.ofMinutes(5));
        String[] p = real.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> t.verify(header + "." + p[1] + "." + p[2]))
                .isInstanceOf(ServiceUnauthorizedException.class);
        assertThatThrownBy(() -> t.verify(header + "." + p[1] + "."))
                .isInstanceOf(ServiceUnauthorizedException.class);
    }

    @Test
    void wrongKeyIsRefused() throws Exception {
        JwtTokens t = JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults());
        SignedJWT other = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("alice"));
        other.sign(new MACSigner(new OctetSequenceKeyGenerator(256).generate()));
        assertThatThrownBy(() -> t.verify(other.serialize())).isInstanceOf(ServiceUnauthorizedException.class);
        JwtTokens u = JwtTokens.fromKeyFile(dir.resolve("k2"), JwtSettings.defaults());
        assertThatThrownBy(() -> t.verify(u.create("alice", Duration.ofMinutes(5))))
                .isInstanceOf(ServiceUnauthorizedException.class);
    }

    @Test
    void tamperedPayloadIsRefused() {
        JwtTokens t = JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults());
        String[] p = t.create("alice", Duration.ofMinutes(5)).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"bob\"");
        String forged = p[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertThatThrownBy(() -> t.verify(forged)).isInstanceOf(ServiceUnauthorizedException.class);
    }

    @Test
    void rs256TokenIsRefusedByAnHs256ServiceAndOtherIssuerOrAudienceToo() {
        JwtTokens hs = JwtTokens.fromKeyFile(dir.resolve("hs"), JwtSettings.defaults());
        JwtTokens rs = JwtTokens.fromKeyFile(dir.resolve("rs"), JwtSettings.defaults().withAlgorithm(JwtAlgorithm.RS256));
        assertThatThrownBy(() -> hs.verify(rs.create("alice", Duration.ofMinutes(5))))
                .isInstanceOf(ServiceUnauthorizedException.class);
        JwtTokens otherIss = JwtTokens.fromKeyFile(dir.resolve("hs"), JwtSettings.defaults().withIssuer("evil"));
        assertThatThrownBy(() -> hs.verify(otherIss.create("alice", Duration.ofMinutes(5))))
                .isInstanceOf(ServiceUnauthorizedException.class);
        JwtTokens otherAud = JwtTokens.fromKeyFile(dir.resolve("hs"), JwtSettings.defaults().withAudience("des"));
        assertThatThrownBy(() -> hs.verify(otherAud.create("alice", Duration.ofMinutes(5))))
                .isInstanceOf(ServiceUnauthorizedException.class);
    }

    @Test
    void garbageAndEmptyAreRefused() {
        JwtTokens t = JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults());
        assertThatThrownBy(() -> t.verify("")).isInstanceOf(ServiceUnauthorizedException.class);
        assertThatThrownBy(() -> t.verify("a.b.c")).isInstanceOf(ServiceUnauthorizedException.class);
    }

    @Test
    void aKeyOfTheOtherKindIsAConfigError() {
        JwtTokens.fromKeyFile(dir.resolve("k"), JwtSettings.defaults());
        assertThatThrownBy(() -> JwtTokens.fromKeyFile(dir.resolve("k"),
                JwtSettings.defaults().withAlgorithm(JwtAlgorithm.RS256)))
                .isInstanceOf(ServiceConfigException.class).hasMessageContaining("RS256");
    }

    private static JWTClaimsSet claims(String user) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(user).issuer("stowage").audience("stowage-transcode")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build();
    }
}
