package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;

/** Root-mean-square layer norm (Zhang and Sennrich, 2019): {@code x / rms(x) * weight}. */
public final class RmsNorm {
    private final NDArray weight;
    private final float eps;

    public RmsNorm(NDArray weight, double eps) {
        this.weight = weight;
        this.eps = (float) eps;
    }

    public NDArray forward(NDArray x) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.div(meanSquare.add(Scalars.like(x, eps)).sqrt()).mul(weight);
    }

    public float eps() {
        return eps;
    }

    public NDArray weight() {
        return weight;
    }
}
