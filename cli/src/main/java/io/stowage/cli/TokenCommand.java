package io.stowage.cli;

import io.stowage.service.JwtAlgorithm;
import io.stowage.service.JwtSettings;
import io.stowage.service.JwtTokens;
import io.stowage.service.TokenClaims;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code stowage token create}: a JWT signed with the service's key, for scripts and admins. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Tokens of the HTTP services.", subcommands = {TokenCommand.Create.class},
        footer = {"", "Example:", "  stowage token create --user alice --ttl 1h"})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            defaultValueProvider = ArchiveCommand.EnvDefaults.class,
            description = {"Print a JWT for USER signed with the key of `stowage serve transcode` (the same",
                "--jwt-key, or the one generated under --state-dir). Send it as 'Authorization: Bearer <jwt>'."},
            footer = {"", "Examples:",
                "  stowage token create --user alice --ttl 1h",
                "  curl -H \"Authorization: Bearer $(stowage token create --user alice)\" http://127.0.0.1:8080/jobs"})
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--user", required = true, paramLabel = "ID", description = "The user id (sub).")
        String user;

        @Option(names = "--ttl", paramLabel = "D", defaultValue = "1h", converter = DurationConverter.class,
                description = "Lifetime (default 1h): 30m, 12h, 7d.")
        Duration ttl;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "As for serve transcode.")
        Path stateDir;

        @Option(names = "--jwt-key", paramLabel = "FILE", description = "As for serve transcode.")
        Path jwtKey;

        @Option(names = "--jwt-algorithm", paramLabel = "ALG", defaultValue = "HS256",
                description = "HS256 or RS256, as the service is run with.")
        JwtAlgorithm jwtAlgorithm;

        @Option(names = "--json", description = "Print token, user and expiry as one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            if (ttl.isNegative() || ttl.isZero()) {
                throw CliException.usage("--ttl " + ttl + " must be positive");
            }
            if (!user.matches("[A-Za-z0-9._@-]{1,128}")) {
                throw CliException.usage("--user '" + user + "': 1-128 characters of A-Z a-z 0-9 . _ @ -");
            }
            Path state = stateDir != null ? stateDir : ServeTranscodeCommand.defaultStateDir();
            Path key = jwtKey != null ? jwtKey : state.resolve("jwt-key.json");
            JwtTokens tokens = JwtTokens.fromKeyFile(key, JwtSettings.defaults().withAlgorithm(jwtAlgorithm));
            String jwt = tokens.create(user, ttl);
            TokenClaims c = tokens.verify(jwt);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.printJson(out, new Token(jwt, user, c.expiresAt().toString()));
            } else {
                out.println(jwt);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code --json}. */
    record Token(String token, String user, String expiresAt) {
    }
}
