package ai.hybridchat.retrieval;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown is indexed nearly as written (its markup is light and the words matter); only the title
 * is taken out: the first level-one ATX heading ({@code # Title}) outside fenced code blocks.
 */
final class MarkdownText {
    private static final Pattern H1 = Pattern.compile("^ {0,3}#[ \\t]+(.+?)(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");

    private MarkdownText() {
    }

    static Optional<String> title(String markdown) {
        boolean inFence = false;
        for (String line : markdown.split("\\R")) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (!inFence) {
                Matcher m = H1.matcher(line);
                if (m.matches()) {
                    return Optional.of(m.group(1).strip());
                }
            }
        }
        return Optional.empty();
    }
}
