package ai.hybridchat.retrieval;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A convex combination of min-max normalised scores (Bruch, Gai and Ingber, "An Analysis of Fusion
 * Functions for Hybrid Retrieval", 2023): {@code w_bm25 * norm(bm25) + w_dense * norm(cos)}, the
 * weights summing to 1. A chunk missing from one ranking scores that ranking's minimum (0 after
 * normalising). Ties go to the smaller item when items are comparable (a Lucene doc id: the same
 * order on every run), else to the one seen first.
 */
public final class ConvexFusion implements RankFusion {
    private final double lexicalWeight;
    private final double denseWeight;

    public ConvexFusion(double lexicalWeight, double denseWeight) {
        if (!(lexicalWeight >= 0) || !(denseWeight >= 0) || lexicalWeight + denseWeight == 0) {
            throw new IllegalArgumentException("fusion weights must be non-negative and not both 0: " + lexicalWeight
                    + ", " + denseWeight);
        }
        double total = lexicalWeight + denseWeight;
        this.lexicalWeight = lexicalWeight / total;
        this.denseWeight = denseWeight / total;
    }

    @Override
    public <T> List<Scored<T>> fuse(List<Scored<T>> lexical, List<Scored<T>> dense, int k) {
        Map<T, double[]> fused = new LinkedHashMap<>();
        addNormalised(fused, lexical, lexicalWeight);
        addNormalised(fused, dense, denseWeight);
        return fused.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<T, double[]> e) -> e.getValue()[0]).reversed()
                        .thenComparing(Map.Entry::getKey, ConvexFusion::naturalOrder))
                .limit(k)
                .map(e -> new Scored<>(e.getKey(), e.getValue()[0]))
                .toList();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int naturalOrder(Object a, Object b) {
        return a instanceof Comparable ca && b != null && a.getClass() == b.getClass() ? ca.compareTo(b) : 0;
    }

    private static <T> void addNormalised(Map<T, double[]> fused, List<Scored<T>> hits, double weight) {
        double max = hits.stream().mapToDouble(Scored::score).max().orElse(0);
        double min = hits.stream().mapToDouble(Scored::score).min().orElse(0);
        double range = max - min;
        for (Scored<T> h : hits) {
            fused.computeIfAbsent(h.item(), x -> new double[1])[0] += weight * (range > 0 ? (h.score() - min) / range : 1.0);
        }
    }
}
