package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.model.Scalars;
import ai.hybridchat.tuning.train.TokenBatch;

/**
 * A {@link BertSequenceClassifier} on the training loop's batches: right-padded ids, the mask
 * marking real tokens, the label in every target of its row (segment ids in none: single texts).
 */
public final class ClassifierBatches {
    private ClassifierBatches() {
    }

    static NDArray logits(BertSequenceClassifier classifier, TokenBatch batch, NDManager m) {
        NDArray mask = batch.maskArray(m).toType(DataType.INT64, false);
        return classifier.logits(batch.inputArray(m), null, mask);
    }

    /** Mean cross-entropy of the rows' labels. */
    public static NDArray loss(BertSequenceClassifier classifier, TokenBatch batch, NDManager m) {
        NDArray logp = logits(classifier, batch, m).logSoftmax(1);
        int labels = classifier.labels();
        long[] gold = labels(batch);
        float[] onehot = new float[gold.length * labels];
        for (int b = 0; b < gold.length; b++) {
            onehot[(int) (b * labels + gold[b])] = 1f;
        }
        return logp.mul(m.create(onehot, new Shape(gold.length, labels))).sum().div(Scalars.like(logp, -gold.length));
    }

    static int[] predict(BertSequenceClassifier classifier, TokenBatch batch, NDManager m) {
        long[] best = logits(classifier, batch, m).argMax(1).toLongArray();
        int[] out = new int[best.length];
        for (int i = 0; i < best.length; i++) {
            out[i] = (int) best[i];
        }
        return out;
    }

    static long[] labels(TokenBatch batch) {
        long[] gold = new long[batch.batch()];
        for (int b = 0; b < gold.length; b++) {
            gold[b] = batch.targets()[b * batch.length()];
        }
        return gold;
    }
}
