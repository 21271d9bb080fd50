package io.stowage.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every "Commands:" list shows whole first sentences, never a description line cut mid-sentence. */
class CommandSummariesTest {

    @Test
    void everyCommandHasAWholeSentenceSummary() {
        List<String> bad = new ArrayList<>();
        walk(Cli.commandLine(), bad);
        assertThat(bad).as("commands whose summary is not a whole sentence (end it with '.')").isEmpty();
    }

    @Test
    void summaryJoinsHandWrappedLinesUpToTheFirstSentence() {
        CommandLine s3 = Cli.commandLine().getSubcommands().get("s3");
        String serve = CommandSummaries.summary(s3.getSubcommands().get("serve").getCommandSpec());
        assertThat(serve).startsWith("Run an S3 endpoint").endsWith(".").contains("each subfolder of DIR is a bucket");
        String help = s3.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        assertThat(help).contains(serve);
    }

    private static void walk(CommandLine cl, List<String> bad) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            String name = sub.getCommandSpec().qualifiedName();
            if (sub.getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            String summary = CommandSummaries.summary(sub.getCommandSpec());
            if (!summary.matches("(?s).*[.!?]$")) {
                bad.add(name + ": " + summary);
            }
            walk(sub, bad);
        }
    }

    @Test
    void handWrappedDescriptionsAreReflowedIntoParagraphsButListsKeepTheirLines() {
        assertThat(CommandSummaries.reflow(new String[] {"Run workers: take jobs, upload the", "verified output.",
                "", "Exit codes:", "  0 done", "- item one", "- item two"}))
                .containsExactly("Run workers: take jobs, upload the verified output.", "", "Exit codes:", "  0 done",
                        "- item one", "- item two");
        String help = Cli.commandLine().getSubcommands().get("s3").getSubcommands().get("serve")
                .getUsageMessage(CommandLine.Help.Ansi.OFF);
        // one paragraph: the hand-wrapped source line "...(S3Proxy): each subfolder of" no longer ends a help line
        assertThat(help).doesNotContain("subfolder of\n").contains("Any credentials are accepted");
    }
}
