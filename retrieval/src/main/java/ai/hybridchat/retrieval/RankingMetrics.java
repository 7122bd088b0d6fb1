package ai.hybridchat.retrieval;

import java.util.List;
import java.util.Map;

/**
 * Per-query ranking metrics against graded judgements ({@code docId -> grade}, grade &gt; 0 is
 * relevant), as trec_eval and BEIR's pytrec_eval compute them.
 */
public final class RankingMetrics {
    private RankingMetrics() {
    }

    /**
     * nDCG@k: {@code DCG = sum over ranks i = 1..k of grade_i / log2(i + 1)}, linear gains (the
     * trec_eval convention BEIR reports), divided by the DCG of the ideal ordering of all judged
     * grades. 0 when nothing is relevant.
     */
    public static double ndcg(List<String> ranking, Map<String, Integer> judgements, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            int grade = Math.max(0, judgements.getOrDefault(ranking.get(i), 0));
            dcg += grade / log2(i + 2);
        }
        int[] ideal = judgements.values().stream().mapToInt(Integer::intValue).filter(g -> g > 0)
                .map(g -> -g).sorted().map(g -> -g).toArray();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.length); i++) {
            idcg += ideal[i] / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Recall@k: the share of the relevant documents found in the top k. */
    public static double recall(List<String> ranking, Map<String, Integer> judgements, int k) {
        long relevant = relevantCount(judgements);
        if (relevant == 0) {
            return 0;
        }
        long found = ranking.stream().limit(k).filter(d -> judgements.getOrDefault(d, 0) > 0).count();
        return (double) found / relevant;
    }

    /**
     * Average precision over the top {@code depth} retrieved: the mean, over all relevant
     * documents, of the precision at the rank where each was retrieved, a relevant document not
     * retrieved within {@code depth} contributing 0 (trec_eval's {@code map} with its default
     * cut of 1000).
     */
    public static double averagePrecision(List<String> ranking, Map<String, Integer> judgements, int depth) {
        long relevant = relevantCount(judgements);
        if (relevant == 0) {
            return 0;
        }
        double sum = 0;
        int hits = 0;
        for (int i = 0; i < Math.min(depth, ranking.size()); i++) {
            if (judgements.getOrDefault(ranking.get(i), 0) > 0) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return sum / relevant;
    }

    private static long relevantCount(Map<String, Integer> judgements) {
        return judgements.values().stream().filter(g -> g > 0).count();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
