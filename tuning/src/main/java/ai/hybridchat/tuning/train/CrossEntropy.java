package ai.hybridchat.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.model.Scalars;

/** Mean next-token cross-entropy over the positions the mask keeps. */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** {@code logits [B, T, V]}, {@code targets [B, T]} int64, {@code mask [B, T]} float. */
    public static NDArray masked(NDArray logits, NDArray targets, NDArray mask) {
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1);
        return picked.mul(mask).sum().neg().div(mask.sum().maximum(Scalars.like(mask, 1f)));
    }
}
