package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.hybridchat.core.model.QuantizedWeight;
import ai.hybridchat.core.model.Scalars;
import java.nio.ByteBuffer;

/**
 * 4-bit NormalFloat (NF4) with one absmax scale per block of 64 values, the data type QLoRA
 * introduced: the 16 levels are quantiles of a standard normal, so normally distributed weights
 * use every level about equally often. Two codes are packed per byte (first value in the high
 * nibble); scales stay F32 (QLoRA's "double quantization" of the scales would save another
 * 0.37 bits per value and is not done here).
 */
public final class Nf4Weight implements QuantizedWeight {
    /** The NF4 levels of the QLoRA paper (Appendix E) and bitsandbytes. */
    static final float[] LEVELS = {
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f
    };
    public static final int BLOCK = 64;

    private final Shape shape;
    private final NDArray packed;
    private final NDArray absmax;
    private final NDArray levels;

    private Nf4Weight(Shape shape, NDArray packed, NDArray absmax, NDArray levels) {
        this.shape = shape;
        this.packed = packed;
        this.absmax = absmax;
        this.levels = levels;
    }

    /** Quantizes a 2-D F32 weight whose size is a multiple of {@link #BLOCK}; the arrays live in {@code manager}. */
    public static Nf4Weight quantize(NDArray weight, NDManager manager) {
        Shape shape = weight.getShape();
        float[] w = weight.toType(DataType.FLOAT32, false).toFloatArray();
        if (w.length % BLOCK != 0) {
            throw new IllegalArgumentException("NF4 needs a weight size divisible by " + BLOCK + ", got " + shape);
        }
        int blocks = w.length / BLOCK;
        float[] scales = new float[blocks];
        byte[] codes = new byte[w.length / 2];
        for (int b = 0; b < blocks; b++) {
            float max = 0;
            for (int i = b * BLOCK; i < (b + 1) * BLOCK; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            scales[b] = max;
            for (int i = b * BLOCK; i < (b + 1) * BLOCK; i += 2) {
                int hi = nearest(max == 0 ? 0 : w[i] / max);
                int lo = nearest(max == 0 ? 0 : w[i + 1] / max);
                codes[i / 2] = (byte) (hi << 4 | lo);
            }
        }
        NDArray packed = manager.create(ByteBuffer.wrap(codes), new Shape(codes.length), DataType.UINT8);
        NDArray absmax = manager.create(scales, new Shape(blocks, 1));
        NDArray levels = manager.create(LEVELS, new Shape(LEVELS.length, 1));
        return new Nf4Weight(shape, packed, absmax, levels);
    }

    static int nearest(float x) {
        int best = 0;
        for (int i = 1; i < LEVELS.length; i++) {
            if (Math.abs(LEVELS[i] - x) < Math.abs(LEVELS[best] - x)) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public NDArray dequantize(NDManager manager) {
        // every op starts from an array of `manager`, so the expanded weight is freed with the step
        NDArray bytes = manager.zeros(new Shape(1)).add(packed);
        NDArray hi = Scalars.mul(bytes, 1f / 16).floor();
        NDArray lo = bytes.sub(Scalars.mul(hi, 16f));
        NDArray codes = hi.expandDims(1).concat(lo.expandDims(1), 1).reshape(-1).toType(DataType.INT64, false);
        NDArray values = codes.getNDArrayInternal().embedding(codes, levels, SparseFormat.DENSE).singletonOrThrow();
        return values.reshape(-1, BLOCK).mul(absmax).reshape(shape);
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public long bytes() {
        return packed.getShape().size() + absmax.getShape().size() * 4 + LEVELS.length * 4L;
    }

    @Override
    public void close() {
        packed.close();
        absmax.close();
        levels.close();
    }
}
