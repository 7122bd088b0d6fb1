package ai.hybridchat.core.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Picks the next token from one row of logits: repetition penalty, logit bias and the presence and
 * frequency penalties, then temperature, top-k and nucleus (top-p) filtering, then a draw from a
 * seeded generator; greedy when temperature is 0. The presence and frequency penalties count the
 * tokens this sampler has picked (the answer so far, as OpenAI and vLLM count them), the
 * repetition penalty every token in {@code seen} (prompt included, as Hugging Face does).
 */
public final class Sampler {
    private final GenerationConfig config;
    private final Random random;
    private final Map<Integer, Integer> picked = new HashMap<>();

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
        if (config.adjustsLogits()) {
            adjust(logits);
        }
        int next = config.temperature() <= 0 ? argmax(logits) : draw(logits);
        picked.merge(next, 1, Integer::sum);
        return next;
    }

    private void adjust(float[] logits) {
        for (Map.Entry<Integer, Float> bias : config.logitBias().entrySet()) {
            int id = bias.getKey();
            if (id >= 0 && id < logits.length) {
                logits[id] += bias.getValue();
            }
        }
        for (Map.Entry<Integer, Integer> count : picked.entrySet()) {
            logits[count.getKey()] -= (float) (config.presencePenalty() + config.frequencyPenalty() * count.getValue());
        }
    }

    private int draw(float[] logits) {
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
