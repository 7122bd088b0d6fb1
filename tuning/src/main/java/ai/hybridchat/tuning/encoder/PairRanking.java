package ai.hybridchat.tuning.encoder;

import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.tuning.TuningResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well an encoder ranks held-out pairs: every query against every distinct passage the run
 * knows (the held-out positives and negatives and the training passages), by cosine; recall@1
 * (its own positive first) and the mean reciprocal rank of its own positive. Measured on the base
 * before training and on the tuned model after, on the same pairs and pool.
 */
public record PairRanking(int queries, int passages, double baseRecallAt1, double baseMrr, double recallAt1, double mrr)
        implements TuningResult.Evaluation {

    /** recall@1, MRR and the pool's size of {@code encoder} on {@code pairs}, among their passages and {@code others}'. */
    static double[] measure(SentenceEncoder encoder, List<TextPair> pairs, List<TextPair> others) {
        Map<String, Integer> passageIds = new LinkedHashMap<>();
        for (List<TextPair> set : List.of(pairs, others)) {
            for (TextPair p : set) {
                passageIds.putIfAbsent(p.positive(), passageIds.size());
                if (p.negative() != null) {
                    passageIds.putIfAbsent(p.negative(), passageIds.size());
                }
            }
        }
        float[][] passages = encoder.embed(new ArrayList<>(passageIds.keySet()));
        float[][] queries = encoder.embed(pairs.stream().map(TextPair::query).toList());
        double hits = 0;
        double rr = 0;
        for (int q = 0; q < queries.length; q++) {
            int own = passageIds.get(pairs.get(q).positive());
            double ownScore = dot(queries[q], passages[own]);
            int rank = 1;
            for (int d = 0; d < passages.length; d++) {
                if (d != own && dot(queries[q], passages[d]) > ownScore) {
                    rank++;
                }
            }
            hits += rank == 1 ? 1 : 0;
            rr += 1.0 / rank;
        }
        return new double[] {hits / queries.length, rr / queries.length, passages.length};
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
