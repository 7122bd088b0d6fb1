package ai.hybridchat.core.reader;

/**
 * One sentence a reader may answer with: its text, the context it is read in (its document's
 * title and section: a heading is context, never a sentence), and which passage it comes from.
 */
public record SentenceUnit(int passage, String sentence, String context) {
    /** The sentence as it is scored: in its context, so that "It weighs 180 grams." names its subject. */
    public String inContext() {
        return context.isEmpty() ? sentence : context + ": " + sentence;
    }
}
