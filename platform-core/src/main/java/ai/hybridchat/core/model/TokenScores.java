package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** What a model says of a token sequence it reads whole (one forward pass, no cache): per-token log-probabilities, top-1 picks. */
public final class TokenScores {
    private TokenScores() {
    }

    /** {@code log p(ids[t + 1] | ids[0..t])} for every {@code t}: {@code ids.length - 1} values. */
    public static float[] logprobs(LlamaModel model, long[] ids) {
        int n = ids.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 tokens to score (the first has no context), got " + n);
        }
        check(model, ids);
        try (NDManager m = model.manager().newSubManager()) {
            NDArray logits = model.forward(m.create(ids, new Shape(1, n)), null, false).toType(DataType.FLOAT32, false);
            NDArray logp = logits.logSoftmax(2).get(new NDIndex(":, :-1, :"));
            NDArray next = m.create(Arrays.copyOfRange(ids, 1, n), new Shape(1, n - 1, 1));
            return logp.gather(next, 2).toFloatArray();
        }
    }

    /** The model's most likely next token after each prefix {@code ids[0..t]}: {@code ids.length} values. */
    public static long[] argmax(LlamaModel model, long[] ids) {
        check(model, ids);
        try (NDManager m = model.manager().newSubManager()) {
            return model.forward(m.create(ids, new Shape(1, ids.length)), null, false).argMax(2).toLongArray();
        }
    }

    private static void check(LlamaModel model, long[] ids) {
        int vocab = model.config().vocabSize;
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocab);
            }
        }
        if (ids.length > model.config().contextLength()) {
            throw new IllegalArgumentException(ids.length + " tokens exceed the model's context of " + model.config().contextLength());
        }
    }
}
