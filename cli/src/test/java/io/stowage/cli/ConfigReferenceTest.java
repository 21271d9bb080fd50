package io.stowage.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is the reference of every flag, built from the picocli model ({@link ConfigReference}). A flag
 * added, renamed or re-described without regenerating the page fails here; {@code -Dstowage.writeConfigReference=true}
 * rewrites the page instead.
 */
class ConfigReferenceTest {
    @Test
    void docsConfigurationMdIsTheReferenceOfTheCurrentCommands() throws Exception {
        String expected = ConfigReference.render(Cli.commandLine());
        Path file = docs().resolve("configuration.md");
        if (Boolean.getBoolean("stowage.writeConfigReference")) {
            Files.writeString(file, expected);
        }
        String actual = Files.exists(file) ? Files.readString(file) : "";
        assertThat(actual)
                .as("docs/configuration.md differs from the commands' flags; regenerate it with:%n  %s",
                        ConfigReference.REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void everyRunnableCommandAndEveryEnvironmentDefaultedFlagIsListed() {
        String text = ConfigReference.render(Cli.commandLine());
        // the ones named in the README and DESIGN.md: a page that lost them would be wrong, not only stale
        assertThat(text).contains("### stowage des packer", "### stowage des marker", "### stowage serve des",
                "### stowage serve transcode", "### stowage worker transcode", "### stowage jobs submit",
                "### stowage upload", "### stowage archive", "`STOWAGE_MAX_SIZE`", "`DES_NODE_ID`",
                "`STOWAGE_S3_ENDPOINT`");
    }

    @Test
    void everyCommandReadsStowageFlagVariables() {
        // DESIGN.md: "every flag that takes a value also reads STOWAGE_<FLAG>"; the commands before the archiver did not
        java.util.List<String> without = new java.util.ArrayList<>();
        java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(Cli.commandLine()));
        while (!todo.isEmpty()) {
            picocli.CommandLine c = todo.pop();
            if (!(c.getCommandSpec().defaultValueProvider() instanceof ArchiveCommand.EnvDefaults)) {
                without.add(c.getCommandSpec().qualifiedName());
            }
            todo.addAll(c.getSubcommands().values());
        }
        assertThat(without).isEmpty();
    }

    private static Path docs() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("docs/ above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir.resolve("docs");
    }
}
