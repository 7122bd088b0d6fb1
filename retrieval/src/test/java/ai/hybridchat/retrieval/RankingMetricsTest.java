package ai.hybridchat.retrieval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RankingMetricsTest {
    private static final double EPS = 1e-9;

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void ndcgUsesLinearGradedGainsAndLog2Discount() {
        Map<String, Integer> judged = Map.of("a", 2, "b", 1, "z", 0);
        List<String> ranking = List.of("x", "b", "a");
        double dcg = 1 / log2(3) + 2 / log2(4);
        double idcg = 2 / log2(2) + 1 / log2(3);
        assertEquals(dcg / idcg, RankingMetrics.ndcg(ranking, judged, 10), EPS);
        assertEquals(1.0, RankingMetrics.ndcg(List.of("a", "b", "x"), judged, 10), EPS);
        assertEquals(0.0, RankingMetrics.ndcg(List.of("x", "b", "a"), judged, 1), EPS);
        assertEquals(0.0, RankingMetrics.ndcg(List.of("a"), Map.of("a", 0), 10), EPS);
    }

    @Test
    void recallCountsRelevantFoundWithinCutoff() {
        Map<String, Integer> judged = Map.of("a", 1, "b", 1, "c", 1, "d", 1, "n", 0);
        assertEquals(0.5, RankingMetrics.recall(List.of("a", "n", "x", "b", "c"), judged, 4), EPS);
        assertEquals(0.75, RankingMetrics.recall(List.of("a", "n", "x", "b", "c"), judged, 100), EPS);
    }

    @Test
    void averagePrecisionDividesByAllRelevantIncludingUnretrieved() {
        Map<String, Integer> judged = Map.of("a", 1, "b", 1, "c", 1);
        // relevant at ranks 1 and 3; c never retrieved
        double expected = (1.0 / 1 + 2.0 / 3) / 3;
        assertEquals(expected, RankingMetrics.averagePrecision(List.of("a", "x", "b"), judged, 1000), EPS);
        // depth cut: only rank 1 counts
        assertEquals(1.0 / 3, RankingMetrics.averagePrecision(List.of("a", "x", "b"), judged, 2), EPS);
    }
}
