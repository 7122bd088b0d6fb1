package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A linear map inside a decoder block ({@code q_proj}, {@code up_proj}, ...). Fine-tuning methods
 * wrap one (LoRA adds a low-rank update, QLoRA swaps the frozen weight for a quantized one)
 * without the block knowing.
 */
public interface Projection {
    NDArray forward(NDArray x);

    /** The dense weight this projection applies, {@code [out, in]}; wrappers return the base's. */
    NDArray weight();

    /** {@code [out, in]} without materialising the weight (a quantized one is not held densely). */
    default Shape shape() {
        return weight().getShape();
    }
}
