package io.stowage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds docs/configuration.md from the picocli model of {@link Cli#commandLine()}: every command, every flag, its
 * default and the environment variables it reads. A command reads {@code STOWAGE_<FLAG>} for every long flag when
 * its default value provider is {@link ArchiveCommand.EnvDefaults} (taken from the model, not from the help text);
 * other variables ({@code STOWAGE_S3_ENDPOINT}, {@code DES_*}, ...) are the ones a flag's description names as its
 * default, which the command's code reads.
 */
final class ConfigReference {
    private static final Pattern NAMED_VARIABLE = Pattern.compile("\\$((?:STOWAGE|DES)_[A-Z0-9_]+)");

    static final String REGENERATE = "mvn -B -o -q test -pl cli -am -Dsurefire.failIfNoSpecifiedTests=false "
            + "-Dtest=ConfigReferenceTest -Dstowage.writeConfigReference=true";

    private ConfigReference() {}

    /** The whole text of docs/configuration.md. */
    static String render(CommandLine root) {
        List<CommandLine> commands = new ArrayList<>();
        walk(root, commands, new IdentityHashMap<>());
        StringBuilder b = new StringBuilder();
        b.append(HEADER.replace("@REGENERATE@", REGENERATE));
        b.append("## Which commands read `STOWAGE_<FLAG>`\n\n");
        b.append("| command | `STOWAGE_<FLAG>` for every flag | other variables its flags read |\n|---|---|---|\n");
        for (CommandLine c : commands) {
            if (!runnable(c)) {
                continue;
            }
            Set<String> named = new LinkedHashSet<>();
            for (OptionSpec o : options(c.getCommandSpec())) {
                named.addAll(namedVariables(o));
                named.remove(stowageFlag(c.getCommandSpec(), o));
            }
            b.append("| [`").append(c.getCommandSpec().qualifiedName()).append("`](#")
                    .append(anchor(c.getCommandSpec().qualifiedName())).append(") | ")
                    .append(readsStowageFlag(c.getCommandSpec()) ? "yes" : "**no**").append(" | ")
                    .append(named.isEmpty() ? "" : "`" + String.join("`, `", named) + "`").append(" |\n");
        }
        b.append("\n## Flags by command\n");
        for (CommandLine c : commands) {
            if (!runnable(c)) {
                continue;
            }
            CommandSpec spec = c.getCommandSpec();
            b.append("\n### ").append(spec.qualifiedName()).append("\n\n");
            String[] desc = spec.usageMessage().description();
            if (desc.length > 0) {
                b.append(cell(desc[0])).append("\n\n");
            }
            List<OptionSpec> options = options(spec);
            if (options.isEmpty()) {
                b.append("No flags.\n");
                continue;
            }
            b.append("| flag | default | environment | what |\n|---|---|---|---|\n");
            for (OptionSpec o : options) {
                b.append("| `").append(String.join("`, `", o.names()));
                if (o.arity().max() > 0) {
                    b.append(' ').append(o.paramLabel());
                }
                b.append("` | ").append(o.defaultValue() == null ? "" : "`" + cell(o.defaultValue()) + "`")
                        .append(" | ").append(variables(spec, o)).append(" | ")
                        .append(cell(String.join(" ", o.description()))).append(" |\n");
            }
        }
        return b.toString();
    }

    /** Commands in --help order, depth first; each once (picocli maps aliases to the same CommandLine). */
    private static void walk(CommandLine c, List<CommandLine> out, Map<CommandLine, Boolean> seen) {
        if (seen.put(c, Boolean.TRUE) != null || c.getCommand() instanceof CommandLine.HelpCommand) {
            return;
        }
        out.add(c);
        for (CommandLine sub : c.getSubcommands().values()) {
            walk(sub, out, seen);
        }
    }

    /** A command that does something itself (not only a group that prints its subcommands). */
    private static boolean runnable(CommandLine c) {
        return c.getSubcommands().isEmpty() || !options(c.getCommandSpec()).isEmpty();
    }

    private static List<OptionSpec> options(CommandSpec spec) {
        List<OptionSpec> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden() && !o.usageHelp() && !o.versionHelp()) {
                out.add(o);
            }
        }
        return out;
    }

    private static boolean readsStowageFlag(CommandSpec spec) {
        return spec.defaultValueProvider() instanceof ArchiveCommand.EnvDefaults;
    }

    /** {@code STOWAGE_<FLAG>} when the command's provider reads it, then the variables the description names. */
    private static String variables(CommandSpec spec, OptionSpec o) {
        Set<String> vars = new LinkedHashSet<>();
        String own = stowageFlag(spec, o);
        if (own != null) {
            vars.add(own);
        }
        vars.addAll(namedVariables(o));
        return vars.isEmpty() ? "" : "`" + String.join("`, `", vars) + "`";
    }

    /** The {@code STOWAGE_<FLAG>} the command's default value provider reads for {@code o}, or null. */
    private static String stowageFlag(CommandSpec spec, OptionSpec o) {
        if (!readsStowageFlag(spec) || !o.longestName().startsWith("--")) {
            return null;
        }
        return "STOWAGE_" + o.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Set<String> namedVariables(OptionSpec o) {
        Set<String> vars = new LinkedHashSet<>();
        Matcher m = NAMED_VARIABLE.matcher(String.join(" ", o.description()));
        while (m.find()) {
            vars.add(m.group(1));
        }
        return vars;
    }

    private static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ").strip();
    }

    private static final String HEADER = """
            # Configuration reference: every flag of every `stowage` command

            Generated from the `stowage` command's picocli model (`Cli.commandLine()`) by `ConfigReferenceTest` in
            `cli`; do not edit it by hand. The test fails when a flag changes and this page was not regenerated:

            ```
            @REGENERATE@
            ```

            How a setting is found, first match wins:

            1. the flag on the command line;
            2. `STOWAGE_<FLAG>` (upper case, `-` to `_`: `--max-size` reads `STOWAGE_MAX_SIZE`), for every command
               (`Cli` gives the whole command tree the default value provider `ArchiveCommand.EnvDefaults`). It applies
               to every long flag, on/off flags included (`STOWAGE_JSON=true`); an empty variable is ignored;
            3. the variable the flag's own description names as its default (column "environment"), read by the
               command itself: `STOWAGE_S3_ENDPOINT` for `--endpoint`, `STOWAGE_SYNC_STATE` / `STOWAGE_SYNC_PROJECT`
               for the ledger, `STOWAGE_FFMPEG`, `STOWAGE_FFPROBE`, `STOWAGE_PRESETS`, and the `DES_*` variables of the
               existing DES services for `des marker` and `serve des`;
            4. the default shown.

            Variables that are not flags:

            | variable | read by | meaning |
            |---|---|---|
            | `STOWAGE_SYNC_*` | `upload --state`, `sync ...` | every key of the sync configuration (`STOWAGE_SYNC_CLAIM_TIMEOUT_S`, `STOWAGE_SYNC_TRIGGER_URL`, ...); over `--sync-config`, under the flags; see [sync-state.md](sync-state.md) |
            | `DES_MARKER_*`, `DES_NAME_PREFIX`, `DES_NODE_ID`, `DES_WRAP_BITS`, `DES_DB_URL`, `DES_METRICS_PORT` | `des marker` | the existing marker's settings (`MarkerOptions.fromEnvironment`); the flags win; see [des-names.md](des-names.md) |
            | `DES_NODE_ID`, `DES_WRAP_BITS`, `DES_SHARD_BITS`, `DES_DB_URL`, `DES_ARCHIVE_BUCKET` | `serve des` | the existing DES services' settings; `STOWAGE_<FLAG>` and the flags win |
            | `STOWAGE_DEBUG` | every command | set: a failure also prints its stack trace on stderr |
            | `STOWAGE_LOG_LEVEL` | `demo` | `INFO` shows the library log lines the demo holds back |
            | `STOWAGE_CDS` | `bin/stowage` | `0`: no class-data archive (AppCDS) |
            | `STOWAGE_TEST_PG_URL`, `STOWAGE_TEST_REDIS_URL` | the tests | PostgreSQL and Redis of the tests (see the README) |

            Sizes, durations and times parse as [cli.md](cli.md#values-sizes-durations-times) says.

            """;
}
