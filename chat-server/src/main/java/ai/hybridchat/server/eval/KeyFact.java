package ai.hybridchat.server.eval;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a correct answer must state: the item's {@code fact} as a phrase, or, where the item has
 * none, the key terms of its reference answer that the question does not already give (names and
 * numbers: the words a wrong answer gets wrong). Also the key terms of any text, which the
 * cross-document check compares against the documents.
 */
public record KeyFact(String phrase, Set<String> terms) {
    /** Capitalised function words that start sentences and name nothing. */
    private static final Set<String> NOT_NAMES = Set.of("the", "a", "an", "it", "its", "this", "that", "these", "those",
            "they", "their", "there", "he", "she", "his", "her", "we", "our", "you", "your", "i", "in", "on", "at", "of",
            "for", "to", "and", "or", "but", "if", "each", "every", "all", "no", "yes", "what", "who", "when", "where",
            "which", "how", "why", "is", "are", "was", "were", "be", "by", "with", "from", "as", "after", "before",
            "rule", "question", "answer", "context");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’.,-]*[\\p{L}\\p{N}]|[\\p{L}\\p{N}]");

    public KeyFact {
        terms = Collections.unmodifiableSet(new LinkedHashSet<>(terms));
    }

    /** The item's fact, or the one derived from its reference answer. */
    public static KeyFact of(QaItem item) {
        if (item.fact() != null) {
            return new KeyFact(item.fact(), Set.of());
        }
        Set<String> given = new LinkedHashSet<>(AnswerMetrics.words(item.question()));
        Set<String> terms = new LinkedHashSet<>();
        for (String t : keyTerms(item.answer())) {
            if (!given.contains(t)) {
                terms.add(t);
            }
        }
        if (terms.isEmpty()) {
            for (String w : AnswerMetrics.words(item.answer())) {
                if (!given.contains(w) && !NOT_NAMES.contains(w)) {
                    terms.add(w);
                }
            }
        }
        return new KeyFact(null, terms);
    }

    /** True when {@code text} states the fact: the phrase word for word, or every key term. */
    public boolean in(String text) {
        if (phrase != null) {
            return AnswerMetrics.containsFact(text, phrase);
        }
        if (terms.isEmpty()) {
            return false;
        }
        Set<String> words = new LinkedHashSet<>(AnswerMetrics.words(text));
        return words.containsAll(terms);
    }

    /** How the report shows it. */
    public String describe() {
        return phrase != null ? phrase : String.join(" ", terms);
    }

    /**
     * The key terms of a text, normalised as {@link AnswerMetrics#words}: every word with a digit
     * (amounts, years, dates) and every capitalised word that is not a function word (names).
     */
    public static List<String> keyTerms(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String raw = m.group();
            boolean number = raw.chars().anyMatch(Character::isDigit);
            boolean name = Character.isUpperCase(raw.codePointAt(0));
            if (number || name) {
                for (String w : AnswerMetrics.words(raw)) {
                    if (number ? w.chars().anyMatch(Character::isDigit) : !NOT_NAMES.contains(w.toLowerCase(Locale.ROOT))) {
                        out.add(w);
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
