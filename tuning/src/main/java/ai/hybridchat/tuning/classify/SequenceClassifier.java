package ai.hybridchat.tuning.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.tuning.train.TokenBatch;
import java.util.Random;

/**
 * Hugging Face's {@code LlamaForSequenceClassification}: the decoder's final hidden state at the
 * last real token of each text, times {@code score.weight [labels, hidden]} (no bias).
 */
public final class SequenceClassifier {
    public static final String SCORE = "score.weight";

    private final LlamaModel model;
    private final NDArray score;

    public SequenceClassifier(LlamaModel model, NDArray score) {
        if (score.getShape().dimension() != 2 || score.getShape().get(1) != model.config().hiddenSize) {
            throw new IllegalArgumentException(SCORE + " must be [labels, " + model.config().hiddenSize + "], got " + score.getShape());
        }
        this.model = model;
        this.score = score;
    }

    /** A fresh head, normal(0, 0.02) as Hugging Face initialises it, in the model's manager. */
    public static SequenceClassifier withNewHead(LlamaModel model, int labels, long seed) {
        Random random = new Random(seed);
        float[] w = new float[labels * model.config().hiddenSize];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.02f;
        }
        return new SequenceClassifier(model, model.manager().create(w, new Shape(labels, model.config().hiddenSize)));
    }

    /** Label logits {@code [B, labels]}; the batch's mask marks each row's last real token. */
    public NDArray logits(TokenBatch batch, NDManager manager) {
        NDArray hidden = model.hiddenStates(model.embed(batch.inputArray(manager)), null);
        NDArray pooled = hidden.mul(batch.maskArray(manager).expandDims(-1)).sum(new int[] {1});
        return pooled.getNDArrayInternal().linear(pooled, score, null).singletonOrThrow();
    }

    /** Mean cross-entropy against the labels held in each row's targets. */
    public NDArray loss(TokenBatch batch, NDManager manager) {
        NDArray labels = batch.targetArray(manager).get(":, 0").expandDims(-1);
        return logits(batch, manager).logSoftmax(-1).gather(labels, -1).mean().neg();
    }

    public int[] predict(TokenBatch batch) {
        try (NDManager scratch = model.manager().newSubManager()) {
            long[] best = logits(batch, scratch).argMax(-1).toLongArray();
            int[] out = new int[best.length];
            for (int i = 0; i < best.length; i++) {
                out[i] = (int) best[i];
            }
            return out;
        }
    }

    public NDArray score() {
        return score;
    }
}
