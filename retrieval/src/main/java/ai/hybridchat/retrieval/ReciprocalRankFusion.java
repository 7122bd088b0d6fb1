package ai.hybridchat.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item's fused score is
 * {@code sum over rankings i of weight_i / (k + rank_i)}, with ranks counted from 1 and a ranking
 * that lacks the item contributing nothing.
 *
 * <p>Only ranks are used, never the raw scores, which is why it can fuse BM25 scores (unbounded)
 * with cosine similarities (bounded) without calibration. The constant k (60 in the paper) damps
 * the head: with k = 60, rank 1 is worth 1/61 and rank 10 still 1/70, so an item ranked well by
 * both lists beats one ranked first by only one of them. Ties keep the order in which items were
 * first seen (the earlier ranking, then the better rank), so the result is deterministic.
 */
public final class ReciprocalRankFusion implements RankFusion {
    public static final int DEFAULT_K = 60;

    private final int k;
    private final double[] weights;

    /** Fusion with the given k; weights per ranking, all 1 when none are given. */
    public ReciprocalRankFusion(int k, double... weights) {
        if (k < 0) {
            throw new IllegalArgumentException("k must not be negative: " + k);
        }
        for (double w : weights) {
            if (w < 0 || Double.isNaN(w)) {
                throw new IllegalArgumentException("weights must be non-negative: " + Arrays.toString(weights));
            }
        }
        this.k = k;
        this.weights = weights.clone();
    }

    /** An item and its fused score. */
    public record Fused<T>(T item, double score) {
    }

    /** The two rankings' items by rank only (their scores are not read), with this fusion's two weights. */
    @Override
    public <T> List<Scored<T>> fuse(List<Scored<T>> lexical, List<Scored<T>> dense, int k) {
        List<Scored<T>> out = new ArrayList<>();
        for (Fused<T> f : fuse(List.of(lexical.stream().map(Scored::item).toList(), dense.stream().map(Scored::item).toList()))) {
            if (out.size() == k) {
                break;
            }
            out.add(new Scored<>(f.item(), f.score()));
        }
        return out;
    }

    /** Fuses the rankings (each best first; an item appearing twice in one ranking counts once, at its best rank). */
    public <T> List<Fused<T>> fuse(List<? extends List<? extends T>> rankings) {
        if (weights.length > 0 && weights.length != rankings.size()) {
            throw new IllegalArgumentException(weights.length + " weights for " + rankings.size() + " rankings");
        }
        Map<T, double[]> scores = new LinkedHashMap<>();
        for (int i = 0; i < rankings.size(); i++) {
            double weight = weights.length == 0 ? 1.0 : weights[i];
            Map<T, Boolean> seen = new LinkedHashMap<>();
            int rank = 0;
            for (T item : rankings.get(i)) {
                rank++;
                if (seen.putIfAbsent(item, Boolean.TRUE) != null) {
                    continue;
                }
                scores.computeIfAbsent(item, x -> new double[1])[0] += weight / (k + rank);
            }
        }
        List<Fused<T>> fused = new ArrayList<>(scores.size());
        scores.forEach((item, score) -> fused.add(new Fused<>(item, score[0])));
        fused.sort(Comparator.comparingDouble((Fused<T> f) -> f.score).reversed());
        return fused;
    }
}
