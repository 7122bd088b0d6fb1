package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/**
 * 4-bit weights as llama.cpp's {@code Q4_0}: each block of 32 values of a row is {@code d * (q - 8)}
 * with {@code d = m / -8}, {@code m} the block's value of largest magnitude (so it maps to code
 * 0 exactly), {@code q = min(15, (int) (x / d + 8.5))}; byte {@code j} of a block's 16 holds value
 * {@code j} in its low nibble and value {@code j + 16} in its high one (the scale is kept in F32
 * here, where GGUF stores it in F16).
 */
public final class Q4Weight extends PackedBlocks {
    private Q4Weight(Shape shape, NDArray codes, NDArray scales) {
        super(shape, codes, scales);
    }

    public static Q4Weight quantize(NDArray weight, NDManager manager) {
        Shape shape = BlockQuantizedWeight.requireBlocks(weight);
        int cols = (int) shape.get(1);
        ByteBuffer q = BlockQuantizedWeight.codeBuffer(shape.size() / 2);
        float[] d = new float[(int) (shape.size() / BLOCK)];
        BlockQuantizedWeight.forEachChunk(weight, (firstRow, w) -> {
            int firstBlock = firstRow * (cols / BLOCK);
            for (int b = 0; b < w.length / BLOCK; b++) {
                int o = b * BLOCK;
                float amax = 0;
                float max = 0;
                for (int j = 0; j < BLOCK; j++) {
                    if (Math.abs(w[o + j]) > amax) {
                        amax = Math.abs(w[o + j]);
                        max = w[o + j];
                    }
                }
                float scale = max / -8f;
                float id = scale == 0 ? 0 : 1f / scale;
                d[firstBlock + b] = scale;
                for (int j = 0; j < BLOCK / 2; j++) {
                    int lo = Math.min(15, (int) (w[o + j] * id + 8.5f));
                    int hi = Math.min(15, (int) (w[o + j + BLOCK / 2] * id + 8.5f));
                    q.put((firstBlock + b) * (BLOCK / 2) + j, (byte) (lo | (hi << 4)));
                }
            }
        });
        long rows = shape.get(0);
        return new Q4Weight(shape, manager.create(q, new Shape(rows, shape.get(1) / 2), DataType.UINT8),
                manager.create(d, new Shape(rows, shape.get(1) / BLOCK, 1)));
    }

    /** Expanded by libtorch in the caller's step: a zero of that step plus the codes is promoted to F32 there, not in the model's manager. */
    @Override
    public NDArray dequantize(NDManager manager) {
        long rows = shape.get(0);
        long blocks = shape.get(1) / BLOCK;
        NDArray bytes = manager.zeros(new Shape(1)).add(codes).reshape(rows, blocks, BLOCK / 2);
        NDArray hi = bytes.div(16).floor();
        NDArray lo = bytes.sub(hi.mul(16));
        return lo.concat(hi, 2).sub(8).mul(scales).reshape(shape);
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.Q4;
    }
}
