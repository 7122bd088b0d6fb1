package ai.hybridchat.core.reader;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The evidence a {@link SentenceScorer} weighs for each candidate sentence of a question. Each is
 * in [-1, 1] or [0, 1], so the learned weights are comparable:
 * <ol>
 *   <li>{@code cosine}: the question's and the sentence's MiniLM embeddings;</li>
 *   <li>{@code cosineInContext}: the same with the sentence in its context (title, section);</li>
 *   <li>{@code passageScore}: the passage's retrieval score over the best passage's;</li>
 *   <li>{@code topPassage}: 1 for the sentences of the best-ranked passage;</li>
 *   <li>{@code overlap}: the share of the question's content words that the sentence has;</li>
 *   <li>{@code overlapInContext}: the same counting its context;</li>
 *   <li>{@code numberAsked}: 1 when the question asks for an amount or a date and the sentence
 *       has a digit;</li>
 *   <li>{@code attributeOverlap}: the share of what the question asks beyond its subject (its
 *       content words that are not in the passage's title) that the sentence and its section have;</li>
 *   <li>{@code attributeCosine}: the cosine of the question without the title's words and the
 *       sentence: "What is the price of X?" against "It costs 85 euros.";</li>
 *   <li>{@code attributeOverlapWithPrevious}: {@code attributeOverlap} counting the sentence before
 *       in the paragraph too, which "It", "This" or "The work" refers back to;</li>
 *   <li>{@code attributeCosineWithPrevious}: {@code attributeCosine} against the sentence with the
 *       one before it;</li>
 *   <li>{@code answerType}: 1 when the question asks for a kind of answer ({@link AnswerType}: a
 *       person, a place, a span of time, a date, a quantity) and the sentence holds one the question
 *       does not name itself.</li>
 * </ol>
 * Content words come from a {@link Terms} analysis (the retrieval's English analyser, with
 * stemming, in the platform; a plain lower-casing one by default).
 */
public final class ReaderFeatures {
    public static final List<String> NAMES = List.of("cosine", "cosineInContext", "passageScore", "topPassage", "overlap",
            "overlapInContext", "numberAsked", "attributeOverlap", "attributeCosine", "attributeOverlapWithPrevious",
            "attributeCosineWithPrevious", "answerType");

    /**
     * The MiniLM cosines of one sentence: the question's with the sentence, with the sentence in
     * context, the question-without-title's with the sentence, and with the sentence after its
     * previous one.
     */
    public record Cosines(double sentence, double inContext, double attribute, double attributeWithPrevious) {
    }

    /** A text's content words: stopwords out, stemmed where the analysis stems. */
    @FunctionalInterface
    public interface Terms {
        Set<String> of(String text);

        /** Lower-cased words without stopwords, with a plural or possessive s taken off. */
        Terms PLAIN = ReaderFeatures::contentWords;
    }

    private static final Set<String> STOPWORDS = Set.of("a", "an", "the", "is", "are", "was", "were", "be", "been", "of",
            "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "does", "do", "did", "what", "who", "whom",
            "which", "when", "where", "why", "how", "much", "many", "it", "its", "this", "that", "there", "as", "can",
            "has", "have", "had", "i", "you", "we", "they", "me", "my", "your", "our", "their");
    private static final Pattern NUMBER_QUESTION = Pattern.compile(
            "\\b(how (much|many|long|tall|big|heavy|wide|old|often|far)|when|what (year|date|day|time|age|price|percentage)"
                    + "|which (year|date|day))\\b");

    private ReaderFeatures() {
    }

    /** What the question asks beyond the words of a title: its content words less the title's. */
    public static Set<String> attribute(Set<String> asked, Set<String> titleTerms) {
        Set<String> attribute = new HashSet<>(asked);
        attribute.removeAll(titleTerms);
        return attribute;
    }

    /**
     * The features of {@code unit}, with the question's content words ({@code asked}) and those
     * beyond the passage's title ({@code attribute}) analysed once per question and passage, not
     * once per sentence, and {@code type} what the question asks for (null: no type).
     *
     * @param passageScores the retrieval score of each passage, best first
     */
    public static double[] of(String question, Set<String> asked, Set<String> attribute, AnswerType type, SentenceUnit unit,
                              Cosines cosines, double[] passageScores, Terms terms) {
        double best = passageScores.length == 0 ? 0 : passageScores[0];
        double score = unit.passage() < passageScores.length ? passageScores[unit.passage()] : 0;
        Set<String> inContext = terms.of(unit.inContext());
        Set<String> withPrevious = new HashSet<>(inContext);
        withPrevious.addAll(terms.of(unit.previous()));
        return new double[] {
                cosines.sentence(),
                cosines.inContext(),
                best > 0 ? Math.max(0, Math.min(1, score / best)) : 0,
                unit.passage() == 0 ? 1 : 0,
                overlap(asked, terms.of(unit.sentence())),
                overlap(asked, inContext),
                NUMBER_QUESTION.matcher(question.toLowerCase(Locale.ROOT)).find()
                        && unit.sentence().chars().anyMatch(Character::isDigit) ? 1 : 0,
                overlap(attribute, inContext),
                cosines.attribute(),
                overlap(attribute, withPrevious),
                cosines.attributeWithPrevious(),
                type != null && type.foundIn(unit.sentence(), question) ? 1 : 0,
        };
    }

    /** The question without the words of a title (its subject), for {@code attributeCosine}. */
    public static String withoutTitle(String question, String title) {
        Set<String> drop = contentWords(title);
        StringBuilder out = new StringBuilder();
        for (String w : question.split("\\s+")) {
            String bare = w.replaceAll("[^\\p{L}\\p{N}]", "").toLowerCase(Locale.ROOT);
            String stem = bare.length() > 3 && bare.endsWith("s") && !bare.endsWith("ss") ? bare.substring(0, bare.length() - 1) : bare;
            if (!drop.contains(stem) && !drop.contains(bare)) {
                out.append(out.isEmpty() ? "" : " ").append(w);
            }
        }
        return out.isEmpty() ? question : out.toString();
    }

    private static double overlap(Set<String> asked, Set<String> have) {
        if (asked.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (String w : asked) {
            n += have.contains(w) ? 1 : 0;
        }
        return n / (double) asked.size();
    }

    /** Lower-cased words without stopwords, with a plural or possessive s taken off. */
    public static Set<String> contentWords(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.isEmpty() || STOPWORDS.contains(w)) {
                continue;
            }
            out.add(w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.substring(0, w.length() - 1) : w);
        }
        return out;
    }
}
