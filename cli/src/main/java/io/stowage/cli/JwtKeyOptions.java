package io.stowage.cli;

import io.stowage.service.JwtAlgorithm;
import io.stowage.service.JwtSettings;
import io.stowage.service.JwtTokens;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The token key of the transcoding service, as {@code stowage serve transcode} and {@code stowage token create}
 * both find it: {@code --state-dir}, {@code --jwt-key}, {@code --jwt-algorithm} (each also read from
 * {@code STOWAGE_<OPTION>} by the command's default provider). A picocli mixin:
 *
 * <pre>{@code
 * @CommandLine.Mixin
 * JwtKeyOptions key;
 * ...
 * JwtTokens tokens = key.tokens();
 * }</pre>
 *
 * <p>Not thread-safe: filled by picocli, then read by the command's thread.
 */
final class JwtKeyOptions {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "Folder of the generated JWT key and of "
            + "serve transcode's in-process store (default ~/.stowage/transcode).")
    Path stateDir;

    @Option(names = "--jwt-key", paramLabel = "FILE",
            description = "JWK file of the token key; generated (0600) when missing (default STATE/jwt-key.json).")
    Path jwtKey;

    @Option(names = "--jwt-algorithm", paramLabel = "ALG", defaultValue = "HS256",
            description = "HS256 or RS256, the same for the service and its tokens (default HS256).")
    JwtAlgorithm jwtAlgorithm;

    /** {@code --state-dir}, else {@code ~/.stowage/transcode}. */
    Path stateDir() {
        return stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".stowage", "transcode");
    }

    /** The tokens of the key file ({@code --jwt-key}, else {@code STATE/jwt-key.json}; generated when missing). */
    JwtTokens tokens() {
        Path key = jwtKey != null ? jwtKey : stateDir().resolve("jwt-key.json");
        return JwtTokens.fromKeyFile(key, JwtSettings.defaults().withAlgorithm(jwtAlgorithm));
    }
}
