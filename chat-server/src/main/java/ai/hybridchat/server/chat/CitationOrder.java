package ai.hybridchat.server.chat;

import ai.hybridchat.core.RetrievedPassage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The passage an answer is taken from is cited first. Retrieval ranks passages for the question;
 * the reader may answer from the second or third, and a user who opens the first citation should
 * find the answer there. The passage holding the largest share of the answer's words moves to the
 * front when it holds more than the first does; the others keep their retrieval order.
 */
final class CitationOrder {
    private CitationOrder() {
    }

    static List<RetrievedPassage> supportFirst(String answer, List<RetrievedPassage> passages) {
        if (passages.size() < 2) {
            return passages;
        }
        Set<String> words = words(answer);
        if (words.isEmpty()) {
            return passages;
        }
        int best = 0;
        double bestShare = share(words, passages.get(0));
        for (int i = 1; i < passages.size(); i++) {
            double s = share(words, passages.get(i));
            if (s > bestShare) {
                best = i;
                bestShare = s;
            }
        }
        if (best == 0) {
            return passages;
        }
        List<RetrievedPassage> out = new ArrayList<>(passages);
        out.add(0, out.remove(best));
        return out;
    }

    private static double share(Set<String> answerWords, RetrievedPassage p) {
        Set<String> have = words(p.chunk().text());
        int n = 0;
        for (String w : answerWords) {
            n += have.contains(w) ? 1 : 0;
        }
        return n / (double) answerWords.size();
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() > 2) {
                out.add(w);
            }
        }
        return out;
    }
}
