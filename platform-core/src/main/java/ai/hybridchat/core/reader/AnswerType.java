package ai.hybridchat.core.reader;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What kind of answer a question asks for, from its wh-phrase, and whether a sentence holds one:
 * the expected-answer-type test of classic factoid question answering (Harabagiu et al.'s and
 * Moldovan et al.'s TREC QA systems, Li and Roth's question classes, reduced to six coarse types
 * that surface patterns recognise). It lets the reader tell "A grant of 450 euros is paid." from
 * "It is paid within 21 days." when asked "How soon is the grant paid?". Hand-written: the types
 * are a handful of English patterns, and no library in the project recognises them.
 */
public enum AnswerType {
    /** "Who designed ...?": a name (two capitalised words past the sentence's first). */
    PERSON(Pattern.compile("\\b(who|whom|whose)\\b|\\bby whom\\b|\\b(which|what) (person|people|engineer|officer|designer|architect|builder|tutor|teacher|firm|company|group|society|organisation|organization|body|charity|club|trust|council|fund)\\b"),
            Pattern.compile("(?<!^)(?<![.!?] )\\b\\p{Lu}\\p{Ll}+(?:[ -]\\p{Lu}\\p{Ll}+)+")),
    /** "Where ...?", "In which town ...?": a preposition before a capitalised word. */
    PLACE(Pattern.compile("\\bwhere\\b|\\b(in|at|from) (which|what) (town|city|village|place|street|workshop|site|depot|county|country)\\b"
                    + "|\\bwhat (town|city|village|place|street|site|county|country)\\b"),
            Pattern.compile("\\b(at|in|near|on|from|to|beside|outside)\\s+(the\\s+)?\\p{Lu}\\p{L}+")),
    /** "How soon / often ...?", "Within what time ...?": a span of time ("how long" may be a length: a quantity). */
    DURATION(Pattern.compile("\\bhow (soon|often|frequently)\\b|\\bwithin (what|which|how)\\b|\\bhow many (seconds|minutes|hours|days|weeks|months|years)\\b"
                    + "|\\bwhat (period|time limit|deadline|notice period|interval)\\b|\\bfor how long\\b"),
            Pattern.compile("(?i)\\d[\\d,.]*\\s*(-|to)?\\s*\\d*\\s*(second|minute|hour|day|week|month|year|fortnight)s?\\b"
                    + "|\\b(every|each|per|within|a|the (first|second|next|following))\\s+(\\w+\\s+)?(day|week|month|year|quarter|fortnight)s?\\b"
                    + "|\\b(daily|weekly|monthly|yearly|annually|twice|once)\\b")),
    /** "What time ...?": a time of day, not a date ("starts on 25 September" does not say when in the day). */
    TIME_OF_DAY(Pattern.compile("\\b(what|which|at what) time\\b"),
            Pattern.compile("(?i)\\b\\d{1,2}:\\d{2}\\b|\\b\\d{1,2}([.:]\\d{2})?\\s*(am|pm|a\\.m\\.|p\\.m\\.)|\\b(noon|midday|midnight|o'clock)\\b")),
    /** "When ...?", "In what year ...?": a year, a month, a day or a time of day. */
    DATE(Pattern.compile("\\bwhen\\b|\\b(what|which|in what|in which) (year|date|day|month|decade|century)\\b|\\bsince when\\b"),
            Pattern.compile("\\b(1[0-9]|20)\\d\\d\\b|\\b(January|February|March|April|May|June|July|August|September|October|November|December"
                    + "|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\\b|\\b\\d+(st|nd|rd|th)\\b"
                    + "|(?i)\\b(first|last|next|following) (full )?(day|week|month|year)\\b"
                    + "|\\b\\d{1,2}[.:]\\d{2}\\s*(am|pm)?\\b|\\b\\d{1,2}\\s*(am|pm)\\b|\\b(noon|midnight)\\b")),
    /** "How much / many ...?", "What is the price / rate / limit ...?": a number. */
    QUANTITY(Pattern.compile("\\bhow (much|many|tall|big|heavy|wide|old|far|high|deep|large|long)\\b|\\bup to what\\b"
                    + "|\\b(what|which) ((is|was|are|were) )?(the )?(\\w+ )?(price|rate|percentage|percent|amount|limit|cost|length|weight|height|width|size|number|fee|sum|share|speed|capacity|allowance|budget|value)\\b"
                    + "|\\bat what (rate|price|speed)\\b"
                    + "|\\bwhat (do|does|did|will|would|should|must) [\\w' ]*\\b(pay|cost|charge|spend|earn)\\b"),
            // a number standing alone: not a clock time ("6pm", "7.40pm", "18:30") nor part of a code ("W3", "B12")
            Pattern.compile("(?<![\\p{L}\\p{N}.:])\\d++([.,]\\d++)*+(?![\\p{L}\\p{N}]|:\\d|\\s*(?i:am|pm|a\\.m\\.|p\\.m\\.)(?![\\p{L}]))"
                    + "|(?i)\\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|million|half|double)\\b"));

    private final Pattern asked;
    private final Pattern found;

    AnswerType(Pattern asked, Pattern found) {
        this.asked = asked;
        this.found = found;
    }

    /** The type {@code question} asks for, or null when its wh-phrase names none of them. */
    public static AnswerType askedBy(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        // the question's first wh-word asks: in "How much must be repaid by someone who leaves?"
        // and "What happens to the allowance when the host pays?" a later "who" or "when" opens a
        // relative or a temporal clause, not the question; so a type counts only where its
        // wh-phrase holds that first wh-word ("In which town", "Up to what amount"), and on a tie
        // the more specific type (listed first) wins
        var wh = WH_WORD.matcher(q);
        if (!wh.find()) {
            return null;
        }
        int first = wh.start();
        for (AnswerType type : values()) {
            var m = type.asked.matcher(q);
            while (m.find() && m.start() <= first) {
                if (m.end() > first) {
                    return type;
                }
            }
        }
        return null;
    }

    private static final Pattern WH_WORD = Pattern.compile("\\b(who|whom|whose|what|which|where|when|how|why)\\b");

    private static final Pattern WH_PHRASE = Pattern.compile(
            "(?i)\\bhow (long|soon|often|frequently|far|tall|old|big|heavy|wide|high|deep|large|much|many)\\b"
                    + "|\\b(in |at )?(what|which) (year|date|day|month|time)\\b");

    /**
     * The question without its wh-phrase ("how long", "in what year"): those words ask for the
     * answer's type and are not its topic, so "How long is X?" must not match "have long called".
     */
    public static String withoutWhPhrase(String question) {
        String out = WH_PHRASE.matcher(question).replaceAll(" ").strip();
        return out.isEmpty() ? question : out;
    }

    /** A numbered label that opens a line ("Rule 8.6:", "Section 2:"): an identifier, not a quantity or a date. */
    private static final Pattern NUMBERED_LABEL = Pattern.compile("\\s*\\p{Lu}\\p{L}*\\s+\\d+(\\.\\d+)*[.:)]\\s+");

    /** Whether {@code sentence} holds an answer of this type. */
    public boolean foundIn(String sentence) {
        return found.matcher(sentence).find();
    }

    /**
     * Whether {@code sentence} holds an answer of this type that {@code question} does not already
     * name: the subject's own name ("Swan Meadow Bridge") or a year the question gives ("in 2017")
     * is not an answer to "Who paid to resurface Swan Meadow Bridge in 2017?". Classic factoid QA
     * systems drop candidate answers found in the question for the same reason. Neither is the
     * number of a line's label ("Rule 4.4: Every vehicle carries a fuel card.").
     */
    public boolean foundIn(String sentence, String question) {
        String asked = question.toLowerCase(Locale.ROOT);
        var label = NUMBERED_LABEL.matcher(sentence);
        int from = label.lookingAt() ? label.end() : 0;
        var m = found.matcher(sentence);
        while (m.find()) {
            if (m.start() >= from && !asked.contains(m.group().strip().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
