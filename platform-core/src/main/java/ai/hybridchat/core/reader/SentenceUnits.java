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
 * next, so a heading or a list item cannot glue itself to the following sentence. Emphasis marks
 * are dropped, a table row reads as its cells, and a question is context for the sentence after
 * it, never a sentence to answer with.
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
                String body = plain(LIST_MARK.matcher(line).replaceFirst(""));
                String previous = "";
                for (String sentence : sentences(body)) {
                    // a question ("Is there an exam?" in a FAQ) is what the next sentence answers,
                    // never an answer itself: it is that sentence's context
                    if (!sentence.endsWith("?")) {
                        units.add(new SentenceUnit(p, sentence, context(title, section), previous));
                    }
                    previous = sentence;
                }
            }
        }
        return units;
    }

    private static final Pattern EMPHASIS = Pattern.compile("\\*\\*|__|`");
    private static final Pattern TABLE_EDGE = Pattern.compile("^\\s*\\||\\|\\s*$");

    /** A line without Markdown emphasis and code marks, a table row's cells joined by commas. */
    static String plain(String line) {
        String out = EMPHASIS.matcher(line).replaceAll("");
        if (out.strip().startsWith("|")) {
            out = TABLE_EDGE.matcher(out.strip()).replaceAll("").replaceAll("\\s*\\|\\s*", ", ");
        }
        return out;
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
