package ai.hybridchat.core.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.Projection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One projection as the fast path reads it: the F32 weight {@code [out, in]} in place in
 * libtorch's memory, its bias, and a LoRA update applied unmerged ({@code y += s B (A x)}, with
 * {@code A} and {@code B} small enough to copy).
 */
final class DenseView {
    final ByteBuffer weight;
    final int out;
    final int in;
    final float[] bias;
    final float[] loraA;
    final float[] loraB;
    final int rank;
    final float scaling;

    private DenseView(ByteBuffer weight, int out, int in, float[] bias, float[] loraA, float[] loraB, int rank, float scaling) {
        this.weight = weight;
        this.out = out;
        this.in = in;
        this.bias = bias;
        this.loraA = loraA;
        this.loraB = loraB;
        this.rank = rank;
        this.scaling = scaling;
    }

    /** The view of {@code p}, or null when the fast path cannot compute it exactly (quantized, BF16, dropout in training). */
    static DenseView of(Projection p) {
        if (p instanceof Linear linear) {
            ByteBuffer w = buffer(linear.weight());
            if (w == null || (linear.bias() != null && linear.bias().getDataType() != DataType.FLOAT32)) {
                return null;
            }
            long[] shape = linear.weight().getShape().getShape();
            float[] bias = linear.bias() == null ? null : linear.bias().toFloatArray();
            return new DenseView(w, (int) shape[0], (int) shape[1], bias, null, null, 0, 0);
        }
        if (p instanceof LoraLinear lora) {
            DenseView base = of(lora.base());
            if (base == null || base.loraA != null || lora.dropsInputs()) {
                return null;
            }
            if (!lora.enabled()) {
                return base;
            }
            if (lora.loraA().getDataType() != DataType.FLOAT32 || lora.loraB().getDataType() != DataType.FLOAT32) {
                return null;
            }
            return new DenseView(base.weight, base.out, base.in, base.bias, lora.loraA().toFloatArray(),
                    lora.loraB().toFloatArray(), (int) lora.loraA().getShape().get(0), lora.scaling());
        }
        return null;
    }

    /** A direct little-endian buffer on an F32 tensor's own memory, or null when there is none to share. */
    static ByteBuffer buffer(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32 || array.size() * Float.BYTES > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer b = array.toByteBuffer(true);
        if (!b.isDirect() || b.capacity() != array.size() * Float.BYTES) {
            return null;
        }
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Adds the bias and the low-rank update to {@code y[yOffset..+out]} computed from {@code x}. */
    void finish(float[] x, float[] y, int yOffset) {
        if (bias != null) {
            for (int r = 0; r < out; r++) {
                y[yOffset + r] += bias[r];
            }
        }
        if (loraA != null) {
            float[] down = new float[rank];
            for (int j = 0; j < rank; j++) {
                down[j] = Kernels.dot(loraA, j * in, x, 0, in) * scaling;
            }
            for (int r = 0; r < out; r++) {
                y[yOffset + r] += Kernels.dot(loraB, r * rank, down, 0, rank);
            }
        }
    }
}
