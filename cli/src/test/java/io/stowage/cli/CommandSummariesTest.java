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

    @Test
    void aDescriptionLineStartingWithAnOptionNameContinuesItsParagraph() {
        assertThat(CommandSummaries.reflow(new String[] {"The whole plan is made first;", "--dry-run prints it."}))
                .containsExactly("The whole plan is made first; --dry-run prints it.");
    }

    @Test
    void longExampleLinesBreakBetweenWordsWithAShellContinuation() {
        String line = "  stowage jobs submit clip.mov --user alice --preset web-mp4 --email alice@example.com"
                + " --redis redis://127.0.0.1:6379 --bucket media";
        String[] out = CommandSummaries.wrapExamples(new String[] {"", "Examples:", line}, 80);
        assertThat(out).hasSizeGreaterThan(3).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(out[2]).endsWith(" \\");
        assertThat(out[3]).startsWith("      ");
        // pasted into a shell it is the same command: join the continuations back
        String joined = String.join("\n", java.util.Arrays.copyOfRange(out, 2, out.length))
                .replaceAll(" \\\\\n +", " ");
        assertThat(joined).isEqualTo(line);
    }

    @Test
    void everyExampleLineIsPrintedWholeNeverRewrappedByPicocli() {
        List<String> bad = new ArrayList<>();
        examples(Cli.commandLine(), bad);
        assertThat(bad).isEmpty();
    }

    private static void examples(CommandLine cl, List<String> bad) {
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        int width = cl.getCommandSpec().usageMessage().width();
        for (String l : cl.getCommandSpec().usageMessage().footer()) {
            // a single word wider than the page (a long --pattern regex) cannot be broken by anyone
            boolean unbreakable = java.util.Arrays.stream(l.strip().split(" +")).anyMatch(w -> w.length() > width - 8);
            if (!l.isBlank() && Character.isWhitespace(l.charAt(0)) && !unbreakable
                    && (l.length() > width - 2 || !help.contains(l + "\n") && !help.contains(l + "\r"))) {
                bad.add(cl.getCommandSpec().qualifiedName() + ": " + l);
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            examples(sub, bad);
        }
    }
}
