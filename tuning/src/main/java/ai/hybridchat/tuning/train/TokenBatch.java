package ai.hybridchat.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code batch x length} token ids with the next-token targets and a loss mask (1 where the
 * target is trained on: completion tokens in SFT, every real token in pre-training).
 */
public record TokenBatch(long[] inputs, long[] targets, float[] mask, int batch, int length) {
    public NDArray inputArray(NDManager manager) {
        return manager.create(inputs, new Shape(batch, length));
    }

    public NDArray targetArray(NDManager manager) {
        return manager.create(targets, new Shape(batch, length));
    }

    public NDArray maskArray(NDManager manager) {
        return manager.create(mask, new Shape(batch, length));
    }

    /** Tokens whose loss counts. */
    public int trainedTokens() {
        int n = 0;
        for (float f : mask) {
            n += f > 0 ? 1 : 0;
        }
        return n;
    }
}
