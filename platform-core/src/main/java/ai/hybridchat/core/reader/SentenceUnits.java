package ai.hybridchat.core.reader;

import ai.hybridchat.core.Chunk;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits passages into {@link SentenceUnit}s. A Markdown heading line ({@code # Title},
 * {@code ## Section}) is never a sentence: it becomes the section of the sentences under it. The
 * sentences of a line are found by the JDK's English sentence rules; a line is never joined to the
 * next, so a heading or a list item cannot glue itself to the following sentence.
 */
public final class SentenceUnits {
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LIST_MARK = Pattern.compile("^\\s*([-*+]|\\d+[.)])\\s+");

    private SentenceUnits() {
    }

    public static List<SentenceUnit> of(List<Chunk> passages) {
        List<SentenceUnit> units = new ArrayList<>();
        for (int p = 0; p < passages.size(); p++) {
            Chunk chunk = passages.get(p);
            String title = chunk.title() == null || chunk.title().equals(chunk.docId()) ? "" : chunk.title().strip();
            String section = "";
            for (String line : chunk.text().split("\\R")) {
                var heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String h = heading.group(1).strip();
                    section = h.equalsIgnoreCase(title) ? "" : h;
                    continue;
                }
                String body = LIST_MARK.matcher(line).replaceFirst("");
                for (String sentence : sentences(body)) {
                    units.add(new SentenceUnit(p, sentence, context(title, section)));
                }
            }
        }
        return units;
    }

    private static String context(String title, String section) {
        if (section.isEmpty()) {
            return title;
        }
        return title.isEmpty() ? section : title + ", " + section;
    }

    /** A line's sentences, by the JDK's English sentence rules. */
    public static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = text.substring(start, end).strip();
            if (sentence.codePoints().anyMatch(Character::isLetterOrDigit)) {
                out.add(sentence);
            }
        }
        return out;
    }
}
