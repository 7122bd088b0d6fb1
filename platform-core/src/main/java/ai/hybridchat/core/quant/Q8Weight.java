package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * 8-bit weights as llama.cpp's {@code Q8_0}: each block of 32 values of a row is {@code d * q}
 * with {@code d = absmax / 127} and {@code q = round(x / d)} in int8 (the scale is kept in F32
 * here, where GGUF stores it in F16).
 */
public final class Q8Weight extends PackedBlocks {
    private Q8Weight(Shape shape, NDArray codes, NDArray scales) {
        super(shape, codes, scales);
    }

    public static Q8Weight quantize(NDArray weight, NDManager manager) {
        Shape shape = BlockQuantizedWeight.requireBlocks(weight);
        int cols = (int) shape.get(1);
        ByteBuffer q = BlockQuantizedWeight.codeBuffer(shape.size());
        float[] d = new float[(int) (shape.size() / BLOCK)];
        BlockQuantizedWeight.forEachChunk(weight, (firstRow, w) -> {
            int firstBlock = firstRow * (cols / BLOCK);
            for (int b = 0; b < w.length / BLOCK; b++) {
                int o = b * BLOCK;
                float amax = 0;
                for (int j = 0; j < BLOCK; j++) {
                    amax = Math.max(amax, Math.abs(w[o + j]));
                }
                float scale = amax / 127f;
                float id = scale == 0 ? 0 : 1f / scale;
                d[firstBlock + b] = scale;
                for (int j = 0; j < BLOCK; j++) {
                    q.put((firstBlock + b) * BLOCK + j, (byte) Math.round(w[o + j] * id));
                }
            }
        });
        return new Q8Weight(shape, manager.create(q, shape, DataType.INT8),
                manager.create(d, new Shape(shape.get(0), shape.get(1) / BLOCK, 1)));
    }

    /** Expanded by libtorch in the caller's step: a zero of that step plus the codes is promoted to F32 there, not in the model's manager. */
    @Override
    public NDArray dequantize(NDManager manager) {
        long rows = shape.get(0);
        long blocks = shape.get(1) / BLOCK;
        NDArray q = manager.zeros(new Shape(1)).add(codes);
        return q.reshape(rows, blocks, BLOCK).mul(scales).reshape(shape);
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.INT8;
    }
}
