package ai.hybridchat.core.reader;

/**
 * One sentence a reader may answer with: its text, the context it is read in (its document's
 * title and section: a heading is context, never a sentence), the sentence before it in the same
 * paragraph ("" for a paragraph's first), and which passage it comes from. The previous sentence
 * is what "It must be taken within 13 weeks." refers back to.
 */
public record SentenceUnit(int passage, String sentence, String context, String previous) {
    public SentenceUnit {
        previous = previous == null ? "" : previous;
    }

    public SentenceUnit(int passage, String sentence, String context) {
        this(passage, sentence, context, "");
    }

    /** The sentence as it is scored: in its context, so that "It weighs 180 grams." names its subject. */
    public String inContext() {
        return context.isEmpty() ? sentence : context + ": " + sentence;
    }

    /** The sentence after the one before it, which its "It", "This" or "The work" may refer to. */
    public String withPrevious() {
        return previous.isEmpty() ? sentence : previous + " " + sentence;
    }
}
