package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A frozen weight held in fewer bits than F32 and expanded only while a forward pass needs it,
 * as QLoRA (Dettmers et al., 2023) holds its base model.
 */
public interface QuantizedWeight extends AutoCloseable {
    /** The weight as F32 {@code [out, in]}, owned by {@code manager} (the caller's step). */
    NDArray dequantize(NDManager manager);

    Shape shape();

    /** Bytes this weight holds in memory, codes and scales together. */
    long bytes();

    @Override
    void close();
}
