package ai.hybridchat.core.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.quant.BlockQuantizedWeight;
import ai.hybridchat.core.quant.QuantizedLinear;
import ai.hybridchat.core.quant.WeightFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One projection as the fast path reads it: the weight {@code [out, in]} in place in libtorch's
 * memory (F32, or the codes and scales of a {@link BlockQuantizedWeight}), its bias, and a LoRA
 * update applied unmerged ({@code y += s B (A x)}, with {@code A} and {@code B} small enough to copy).
 */
final class DenseView {
    enum Kind { F32, Q8, Q4 }

    final Kind kind;
    /** F32 values, or the packed codes. */
    final ByteBuffer weight;
    /** One F32 scale per block of 32 (quantized kinds only). */
    final ByteBuffer scales;
    final int out;
    final int in;
    final float[] bias;
    final float[] loraA;
    final float[] loraB;
    final int rank;
    final float scaling;

    private DenseView(Kind kind, ByteBuffer weight, ByteBuffer scales, int out, int in, float[] bias, float[] loraA,
                      float[] loraB, int rank, float scaling) {
        this.kind = kind;
        this.weight = weight;
        this.scales = scales;
        this.out = out;
        this.in = in;
        this.bias = bias;
        this.loraA = loraA;
        this.loraB = loraB;
        this.rank = rank;
        this.scaling = scaling;
    }

    /** {@code y[r] = W[r] . x} for rows {@code [from, to)} (no bias, no LoRA: {@link #finish} adds those once). */
    void rows(float[] x, float[] y, int from, int to) {
        switch (kind) {
            case F32 -> Kernels.matVec(weight, in, x, y, 0, from, to);
            case Q8 -> {
                for (int r = from; r < to; r++) {
                    y[r] = Kernels.q8Dot(weight, r * in, scales, r * (in / BlockQuantizedWeight.BLOCK) * Float.BYTES, x, in);
                }
            }
            case Q4 -> {
                for (int r = from; r < to; r++) {
                    y[r] = Kernels.q4Dot(weight, r * (in / 2), scales, r * (in / BlockQuantizedWeight.BLOCK) * Float.BYTES, x, in);
                }
            }
        }
    }

    /** Row {@code r} of the weight as F32 into {@code out[0..in)}: an embedding lookup. */
    void row(int r, float[] out) {
        if (kind == Kind.F32) {
            for (int c = 0; c < in; c++) {
                out[c] = weight.getFloat((r * in + c) * Float.BYTES);
            }
            return;
        }
        int blocks = in / BlockQuantizedWeight.BLOCK;
        for (int b = 0; b < blocks; b++) {
            float d = scales.getFloat((r * blocks + b) * Float.BYTES);
            for (int j = 0; j < BlockQuantizedWeight.BLOCK; j++) {
                int c = b * BlockQuantizedWeight.BLOCK + j;
                int q;
                if (kind == Kind.Q8) {
                    q = weight.get(r * in + c);
                } else {
                    int packed = weight.get(r * (in / 2) + b * 16 + (j & 15)) & 0xFF;
                    q = (j < 16 ? packed & 15 : packed >>> 4) - 8;
                }
                out[c] = d * q;
            }
        }
    }

    /** The embedding table as the fast path reads it, F32 or quantized; null when neither can be shared. */
    static DenseView embedding(LlamaModel model) {
        if (model.quantizedEmbedding() != null) {
            return model.quantizedEmbedding() instanceof BlockQuantizedWeight b ? quantized(b, null) : null;
        }
        ByteBuffer w = buffer(model.embedTokens());
        long[] shape = model.embedTokens().getShape().getShape();
        return w == null ? null : new DenseView(Kind.F32, w, null, (int) shape[0], (int) shape[1], null, null, null, 0, 0);
    }

    private static DenseView quantized(BlockQuantizedWeight q, float[] bias) {
        ByteBuffer codes = raw(q.codes());
        ByteBuffer scales = buffer(q.scales());
        if (codes == null || scales == null) {
            return null;
        }
        return new DenseView(q.format() == WeightFormat.INT8 ? Kind.Q8 : Kind.Q4, codes, scales, q.rows(), q.cols(), bias,
                null, null, 0, 0);
    }

    /** The view of {@code p}, or null when the fast path cannot compute it exactly (QLoRA's formats, BF16, dropout in training). */
    static DenseView of(Projection p) {
        if (p instanceof Linear linear) {
            ByteBuffer w = buffer(linear.weight());
            if (w == null || (linear.bias() != null && linear.bias().getDataType() != DataType.FLOAT32)) {
                return null;
            }
            long[] shape = linear.weight().getShape().getShape();
            float[] bias = linear.bias() == null ? null : linear.bias().toFloatArray();
            return new DenseView(Kind.F32, w, null, (int) shape[0], (int) shape[1], bias, null, null, 0, 0);
        }
        if (p instanceof QuantizedLinear q && q.quantized() instanceof BlockQuantizedWeight b) {
            if (q.bias() != null && q.bias().getDataType() != DataType.FLOAT32) {
                return null;
            }
            return quantized(b, q.bias() == null ? null : q.bias().toFloatArray());
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
            return new DenseView(base.kind, base.weight, base.scales, base.out, base.in, base.bias, lora.loraA().toFloatArray(),
                    lora.loraB().toFloatArray(), (int) lora.loraA().getShape().get(0), lora.scaling());
        }
        return null;
    }

    /** A direct little-endian buffer on an F32 tensor's own memory, or null when there is none to share. */
    static ByteBuffer buffer(NDArray array) {
        return array.getDataType() == DataType.FLOAT32 ? raw(array) : null;
    }

    /** A direct little-endian buffer on a tensor's own memory (any type), or null when there is none to share. */
    private static ByteBuffer raw(NDArray array) {
        long bytes = array.size() * array.getDataType().getNumOfBytes();
        if (bytes > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer b = array.toByteBuffer(true);
        if (!b.isDirect() || b.capacity() != bytes) {
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
