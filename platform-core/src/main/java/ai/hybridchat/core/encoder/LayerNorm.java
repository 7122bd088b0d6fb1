package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Layer normalisation over the last axis with a learned scale and shift, BERT's {@code LayerNorm}. */
public final class LayerNorm {
    private final NDArray weight;
    private final NDArray bias;
    private final float eps;

    public LayerNorm(NDArray weight, NDArray bias, double eps) {
        this.weight = weight;
        this.bias = bias;
        this.eps = (float) eps;
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps).singletonOrThrow();
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }
}
