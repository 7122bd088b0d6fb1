package ai.hybridchat.core.model;

import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * Picks the next token from one row of logits: repetition penalty, then temperature, top-k and
 * nucleus (top-p) filtering, then a draw from a seeded generator; greedy when temperature is 0.
 */
public final class Sampler {
    private final GenerationConfig config;
    private final Random random;

    public Sampler(GenerationConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
    }

    public int next(float[] logits, Set<Integer> seen) {
        if (config.repetitionPenalty() != 1.0) {
            float p = (float) config.repetitionPenalty();
            for (int id : seen) {
                logits[id] = logits[id] > 0 ? logits[id] / p : logits[id] * p;
            }
        }
        if (config.temperature() <= 0) {
            return argmax(logits);
        }
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = config.topK() > 0 ? Math.min(config.topK(), n) : n;
        double max = logits[order[0]];
        double[] probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp((logits[order[i]] - max) / config.temperature());
            sum += probs[i];
        }
        double cumulative = 0;
        int cut = keep;
        for (int i = 0; i < keep; i++) {
            probs[i] /= sum;
            cumulative += probs[i];
            if (cumulative >= config.topP()) {
                cut = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += probs[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            r -= probs[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[cut - 1];
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
