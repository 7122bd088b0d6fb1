package ai.hybridchat.server.eval;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How close an answer is to the reference, as SQuAD scores it: both texts lower-cased, without
 * punctuation and articles, split into words; F1 of the word overlap. And whether the answer
 * contains the item's key fact.
 */
public final class AnswerMetrics {
    private AnswerMetrics() {
    }

    static List<String> words(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("[\\p{Punct}\\p{IsPunctuation}]", " ")
                .replaceAll("\\b(a|an|the)\\b", " ")
                .strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    public static double tokenF1(String answer, String reference) {
        List<String> a = words(answer);
        List<String> r = words(reference);
        if (a.isEmpty() || r.isEmpty()) {
            return a.isEmpty() && r.isEmpty() ? 1.0 : 0.0;
        }
        Map<String, Integer> counts = new HashMap<>();
        r.forEach(w -> counts.merge(w, 1, Integer::sum));
        int common = 0;
        for (String w : a) {
            Integer c = counts.get(w);
            if (c != null && c > 0) {
                common++;
                counts.put(w, c - 1);
            }
        }
        if (common == 0) {
            return 0.0;
        }
        double precision = (double) common / a.size();
        double recall = (double) common / r.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** True when the answer contains the fact, compared word by word after normalisation. */
    public static boolean containsFact(String answer, String fact) {
        String a = " " + String.join(" ", words(answer)) + " ";
        String f = String.join(" ", words(fact));
        return !f.isEmpty() && a.contains(" " + f + " ");
    }
}
