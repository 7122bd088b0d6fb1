package ai.hybridchat.tuning.reader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How a ranker generalises to a domain it was not fitted on: each training set in turn is left
 * out, the ranker fitted on the others, and its top-1 measured on the one left out. The platform
 * meets documents nobody fitted it on, so this, not the fit on the sets themselves, is what
 * chooses between feature maps and regularisation.
 */
public final class LeaveOneSetOut {
    private LeaveOneSetOut() {
    }

    /** Each set's top-1 when left out, and the mean over questions under the key "all". */
    public static Map<String, Double> top1(Map<String, List<ListwiseRankerFit.Question>> sets,
                                           UnaryOperator<double[]> featureMap, double[] start, ListwiseRankerFit fit) {
        Map<String, List<ListwiseRankerFit.Question>> mapped = new LinkedHashMap<>();
        sets.forEach((name, qs) -> mapped.put(name, map(qs, featureMap)));
        Map<String, Double> out = new LinkedHashMap<>();
        int hits = 0;
        int total = 0;
        for (String left : mapped.keySet()) {
            List<ListwiseRankerFit.Question> others = new ArrayList<>();
            mapped.forEach((name, qs) -> {
                if (!name.equals(left)) {
                    others.addAll(qs);
                }
            });
            double[] w = fit.fit(others, start).weights();
            double t = ListwiseRankerFit.top1(mapped.get(left), w);
            out.put(left, t);
            hits += Math.round(t * mapped.get(left).size());
            total += mapped.get(left).size();
        }
        out.put("all", total == 0 ? 0 : hits / (double) total);
        return out;
    }

    public static List<ListwiseRankerFit.Question> map(List<ListwiseRankerFit.Question> qs, UnaryOperator<double[]> featureMap) {
        return qs.stream().map(q -> new ListwiseRankerFit.Question(
                q.features().stream().map(featureMap).toList(), q.correct())).toList();
    }

    /** The features followed by every product of two of them (each pair once, squares included). */
    public static double[] quadratic(double[] f) {
        int d = f.length;
        double[] out = new double[d + d * (d + 1) / 2];
        System.arraycopy(f, 0, out, 0, d);
        int k = d;
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                out[k++] = f[i] * f[j];
            }
        }
        return out;
    }
}
