package ai.hybridchat.tuning.encoder;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Pseudo-queries from the documents alone: the inverse cloze task of Lee, Chang and Toutanova
 * (2019, "Latent Retrieval for Weakly Supervised Open Domain Question Answering"). A random
 * sentence of a passage is the query and the rest of the passage its positive; as in the paper,
 * the sentence is left in its passage one time in ten, so the model also learns that a passage
 * matches what it says word for word. Sentences are the JDK's English sentence boundaries.
 */
public final class InverseCloze {
    /** How often the query sentence stays in its positive (the paper's 10%). */
    static final double KEEP_SENTENCE = 0.1;
    /** Shorter sentences say too little to be a query. */
    static final int MIN_QUERY_CHARS = 20;

    private InverseCloze() {
    }

    /** One pair per passage of two or more sentences, drawn with {@code random}. */
    public static List<TextPair> pairs(List<String> passages, Random random) {
        List<TextPair> out = new ArrayList<>();
        for (String passage : passages) {
            List<String> sentences = sentences(passage);
            List<Integer> candidates = new ArrayList<>();
            for (int i = 0; i < sentences.size(); i++) {
                if (sentences.get(i).length() >= MIN_QUERY_CHARS) {
                    candidates.add(i);
                }
            }
            if (sentences.size() < 2 || candidates.isEmpty()) {
                continue;
            }
            int pick = candidates.get(random.nextInt(candidates.size()));
            boolean keep = random.nextDouble() < KEEP_SENTENCE;
            StringBuilder rest = new StringBuilder();
            for (int i = 0; i < sentences.size(); i++) {
                if (i != pick || keep) {
                    rest.append(rest.length() == 0 ? "" : " ").append(sentences.get(i));
                }
            }
            out.add(new TextPair(sentences.get(pick), rest.toString(), null));
        }
        return out;
    }

    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        String flat = text.replaceAll("\\s+", " ").strip();
        it.setText(flat);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = flat.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
