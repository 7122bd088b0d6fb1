package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.QuantizedWeight;

/** A frozen linear layer whose weight is expanded from its quantized form at every call. */
public final class QuantizedLinear implements Projection {
    private final QuantizedWeight weight;
    private final NDArray bias;

    public QuantizedLinear(QuantizedWeight weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x) {
        if (weight instanceof BlockQuantizedWeight) {
            // inference only: the expanded matrix and its temporaries are freed as soon as this product is
            // taken, so a prefill holds one expanded matrix at a time instead of the whole model
            try (NDManager scratch = x.getManager().newSubManager()) {
                NDArray y = x.getNDArrayInternal().linear(x, weight.dequantize(scratch), bias).singletonOrThrow();
                y.attach(x.getManager());
                return y;
            }
        }
        NDArray w = weight.dequantize(x.getManager());
        return x.getNDArrayInternal().linear(x, w, bias).singletonOrThrow();
    }

    /** Not held: merging needs the unquantized base (as with PEFT, an adapter merges into the full-precision model). */
    @Override
    public NDArray weight() {
        throw new UnsupportedOperationException("a quantized projection has no dense weight; load the base unquantized to merge");
    }

    @Override
    public Shape shape() {
        return weight.shape();
    }

    public QuantizedWeight quantized() {
        return weight;
    }

    /** The bias, F32 as loaded, or null. */
    public NDArray bias() {
        return bias;
    }
}
