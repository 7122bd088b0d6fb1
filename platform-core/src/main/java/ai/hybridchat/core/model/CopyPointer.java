package ai.hybridchat.core.model;

import java.util.Arrays;
import java.util.List;

/**
 * A copy pointer over source sentences, mixed into the model's next-token distribution as in the
 * pointer-generator (See et al., 2017), with a fixed gate {@code weight} = λ:
 * {@code p(w) = (1 - λ) p_model(w) + λ p_copy(w)}.
 *
 * <p>{@code p_copy} is an explicit induction head: it looks up the longest suffix of the answer so
 * far in the source sentences (the longest-match rule of infini-gram, Liu et al., 2024) and puts
 * its mass on the tokens that follow the matches, each match weighted by its sentence's prior
 * (how relevant the sentence is to the question). Before the answer's first token every sentence
 * start is a match. A sentence's end has no continuation, so at the end of a copied sentence the
 * pointer falls silent and the model alone decides whether to stop.
 *
 * <p>Why by hand: a model of a few million parameters trained on this project's two cores never
 * formed the induction head that lets a transformer copy from its context (docs/MODEL_CARD.md);
 * this gives it one at decoding time, and no library offers it for a DJL model.
 */
public final class CopyPointer implements LogitsProcessor {
    private final long[][] sentences;
    private final double[] priors;
    private final double weight;

    /**
     * @param sentences the source sentences as token ids, each tokenized on its own (as an answer
     *                  starting with it would be)
     * @param priors    one non-negative weight per sentence, not all zero
     * @param weight    the gate λ in [0, 1)
     */
    public CopyPointer(List<long[]> sentences, double[] priors, double weight) {
        if (sentences.size() != priors.length) {
            throw new IllegalArgumentException(sentences.size() + " sentences but " + priors.length + " priors");
        }
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("the copy weight must be in [0, 1), got " + weight);
        }
        double sum = 0;
        for (double p : priors) {
            if (!(p >= 0) || Double.isInfinite(p)) {
                throw new IllegalArgumentException("priors must be finite and non-negative, got " + Arrays.toString(priors));
            }
            sum += p;
        }
        if (sum <= 0 && !sentences.isEmpty()) {
            throw new IllegalArgumentException("at least one prior must be positive");
        }
        this.sentences = sentences.toArray(new long[0][]);
        this.priors = priors.clone();
        this.weight = weight;
    }

    /**
     * The pointer's distribution over the vocabulary after {@code answer}, unnormalised; all zero
     * when no suffix of the answer occurs in a sentence with a token after it.
     */
    double[] copyScores(List<Long> answer, int vocabSize) {
        double[] scores = new double[vocabSize];
        if (answer.isEmpty()) {
            for (int s = 0; s < sentences.length; s++) {
                if (sentences[s].length > 0 && sentences[s][0] < vocabSize) {
                    scores[(int) sentences[s][0]] += priors[s];
                }
            }
            return scores;
        }
        int longest = 0;
        for (int s = 0; s < sentences.length; s++) {
            long[] tokens = sentences[s];
            for (int i = 1; i < tokens.length; i++) {
                int m = matchLength(answer, tokens, i);
                if (m > longest) {
                    longest = m;
                    Arrays.fill(scores, 0);
                }
                // a tokenizer may know ids the model's output layer has no row for
                if (m == longest && m > 0 && tokens[i] < vocabSize) {
                    scores[(int) tokens[i]] += priors[s];
                }
            }
        }
        return scores;
    }

    /** How many of the answer's last tokens equal {@code tokens[0, end)}'s last tokens. */
    private static int matchLength(List<Long> answer, long[] tokens, int end) {
        int m = 0;
        while (m < end && m < answer.size() && answer.get(answer.size() - 1 - m) == tokens[end - 1 - m]) {
            m++;
        }
        return m;
    }

    /**
     * Mixes the pointer into the model's next-token {@code logits} after {@code answer}; returns
     * log-probabilities, which any sampler takes as logits. With no match the model's distribution
     * passes through unchanged (as log-probabilities).
     */
    @Override
    public float[] process(float[] logits, List<Long> generated) {
        return mix(logits, generated);
    }

    public float[] mix(float[] logits, List<Long> answer) {
        double[] copy = copyScores(answer, logits.length);
        double copyMass = 0;
        for (double c : copy) {
            copyMass += c;
        }
        double lambda = copyMass > 0 ? weight : 0;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double z = 0;
        for (float l : logits) {
            z += Math.exp(l - max);
        }
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            double p = (1 - lambda) * Math.exp(logits[i] - max) / z;
            if (lambda > 0) {
                p += lambda * copy[i] / copyMass;
            }
            out[i] = (float) Math.log(p);
        }
        return out;
    }
}
