package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;

/** {@code y = x W^T + b}, PyTorch's {@code nn.Linear} layout. */
public final class Linear implements Projection {
    private NDArray weight;
    private final NDArray bias;

    public Linear(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    @Override
    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }
}
