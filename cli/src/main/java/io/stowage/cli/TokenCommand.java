package io.stowage.cli;

import io.stowage.service.JwtTokens;
import io.stowage.service.TokenClaims;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
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

        @CommandLine.Mixin
        JwtKeyOptions key;

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
            JwtTokens tokens = key.tokens();
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
