package io.stowage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "Commands:" list of every help page shows each subcommand's first whole sentence. Picocli shows the first
 * line of the description, and our descriptions wrap by hand mid-sentence ("Run an S3 endpoint ... each subfolder
 * of"); this renderer joins the lines and cuts at the end of the first sentence instead, so a new command only
 * needs a description that starts with a sentence.
 */
final class CommandSummaries {
    private CommandSummaries() {}

    /** A period (or the end) followed by white space and a capital, or the end of the text. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s+[A-Z(`'\"]|\\s*$)");

    /**
     * Installs the renderer on {@code cl} and all its subcommands, recursively, and reflows their descriptions:
     * lines wrapped by hand in the source are joined into paragraphs, so picocli wraps them at the help width
     * instead of breaking each long source line again ("upload the" / "verified output").
     */
    static void install(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        spec.usageMessage().description(reflow(spec.usageMessage().description()));
        spec.usageMessage().footer(wrapExamples(spec.usageMessage().footer(), spec.usageMessage().width()));
        Map<String, CommandLine.IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandSummaries::render);
        cl.setHelpSectionMap(sections);
        for (CommandLine sub : cl.getSubcommands().values()) {
            install(sub);
        }
    }

    /**
     * Joins each line to the one before it unless either is empty or the line starts a list item or an indented
     * block (white space, '-', '*'): paragraphs become one string each, lists and examples keep their lines.
     */
    static String[] reflow(String[] lines) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String line : lines) {
            boolean starts = line.isEmpty() || Character.isWhitespace(line.charAt(0)) || line.startsWith("- ")
                    || line.startsWith("* ") || line.startsWith("%n");
            int last = out.size() - 1;
            if (!starts && last >= 0 && !out.get(last).isEmpty() && !out.get(last).endsWith("%n")) {
                out.set(last, out.get(last) + " " + line);
            } else {
                out.add(line);
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * Example command lines (footer lines indented by white space) longer than the help width are broken between
     * words with a shell line continuation (a backslash) and indented, so they still paste into a shell; picocli would
     * otherwise cut them anywhere, even inside a URL ({@code redis:} / {@code //127.0.0.1:6379}).
     */
    static String[] wrapExamples(String[] lines, int width) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int max = width - 2;
        for (String line : lines) {
            if (line.length() <= max || line.isEmpty() || !Character.isWhitespace(line.charAt(0))) {
                out.add(line);
                continue;
            }
            String indent = line.substring(0, line.length() - line.stripLeading().length());
            StringBuilder cur = new StringBuilder(indent);
            boolean first = true;
            for (String word : line.strip().split(" +")) {
                boolean empty = cur.length() == (first ? indent.length() : indent.length() + 4);
                if (!empty && cur.length() + 1 + word.length() + 2 > max) {
                    out.add(cur.append(" \\").toString());
                    cur = new StringBuilder(indent).append("    ");
                    first = false;
                    empty = true;
                }
                if (!empty) {
                    cur.append(' ');
                }
                cur.append(word);
            }
            out.add(cur.toString());
        }
        return out.toArray(String[]::new);
    }

    /** The first sentence of a command's header, else of its description (lines joined). */
    static String summary(CommandSpec spec) {
        String[] lines = spec.usageMessage().header().length > 0
                ? spec.usageMessage().header() : spec.usageMessage().description();
        String text = String.join(" ", lines).replaceAll("\\s+", " ").trim();
        Matcher m = SENTENCE_END.matcher(text);
        return m.find() ? text.substring(0, m.end()) : text;
    }

    private static String render(Help help) {
        Map<String, Help> subs = help.subcommands();
        if (subs.isEmpty()) {
            return "";
        }
        int nameWidth = 0;
        for (Help sub : subs.values()) {
            nameWidth = Math.max(nameWidth, names(sub).length());
        }
        nameWidth += 2;
        int width = help.commandSpec().usageMessage().width();
        Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                new Help.Column(nameWidth + 2, 2, Help.Column.Overflow.SPAN),
                new Help.Column(Math.max(20, width - nameWidth - 2), 2, Help.Column.Overflow.WRAP));
        for (Help sub : subs.values()) {
            table.addRowValues(names(sub), summary(sub.commandSpec()));
        }
        return table.toString();
    }

    private static String names(Help sub) {
        return String.join(", ", sub.commandSpec().names());
    }
}
