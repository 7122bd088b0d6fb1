package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Scalars as arrays owned by the manager of the array they combine with.
 *
 * <p>Why: DJL's {@code NDArray.mul(Number)} wraps the number in a temporary tensor backed by a
 * Java direct buffer and closes it right after the op. Autograd keeps that tensor for the
 * backward pass (a product's gradient needs the other factor), so once the buffer is garbage
 * collected the backward pass reads freed memory and gradients turn to infinity or NaN at random.
 * Owning the scalar in the step's manager keeps it alive until the step is over.
 */
public final class Scalars {
    private Scalars() {
    }

    public static NDArray like(NDArray array, float value) {
        return array.getManager().create(value);
    }

    public static NDArray mul(NDArray array, float value) {
        return array.mul(like(array, value));
    }
}
