package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.QuantizedWeight;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A weight {@code [rows, cols]} quantized in blocks of {@link #BLOCK} consecutive values of a row,
 * each block with one F32 scale: the packed codes and the scales are what the fast decode path's
 * kernels read directly, a row at a time, instead of expanding whole matrices per step.
 */
public interface BlockQuantizedWeight extends QuantizedWeight {
    int BLOCK = 32;

    WeightFormat format();

    /** The packed codes, row-major: {@code [rows, cols]} int8 for Q8, {@code [rows, cols / 2]} uint8 for Q4. */
    NDArray codes();

    /** One scale per block, {@code [rows, cols / BLOCK, 1]} F32 (the trailing 1 broadcasts over a block when expanding). */
    NDArray scales();

    default int rows() {
        return (int) shape().get(0);
    }

    default int cols() {
        return (int) shape().get(1);
    }

    /** Rows of F32 values handed to a quantizer at a time, so that quantizing a model never holds a whole matrix on the heap. */
    interface RowChunks {
        void accept(int firstRow, float[] values);
    }

    /**
     * Reads {@code weight} (any float type) in chunks of about 256K values, in order, each chunk's
     * temporary arrays freed before the next: the JVM heap stays small while a large embedding is quantized.
     */
    static void forEachChunk(NDArray weight, RowChunks chunks) {
        int rows = (int) weight.getShape().get(0);
        int cols = (int) weight.getShape().get(1);
        int step = Math.max(1, (1 << 18) / cols);
        for (int r = 0; r < rows; r += step) {
            int end = Math.min(rows, r + step);
            try (NDArray part = weight.get(new NDIndex("{}:{}", r, end));
                 NDArray f32 = part.toType(DataType.FLOAT32, true)) {
                chunks.accept(r, f32.toFloatArray());
            }
        }
    }

    /** A direct buffer for {@code bytes} of codes, which an array made from it uses in place (no heap copy). */
    static ByteBuffer codeBuffer(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    /** Checks a weight can be blocked: two dimensions, rows of whole blocks. */
    static Shape requireBlocks(NDArray weight) {
        Shape shape = weight.getShape();
        if (shape.dimension() != 2 || shape.get(1) % BLOCK != 0) {
            throw new IllegalArgumentException("block quantization needs a matrix whose rows are multiples of " + BLOCK
                    + " values, got " + shape);
        }
        return shape;
    }
}
