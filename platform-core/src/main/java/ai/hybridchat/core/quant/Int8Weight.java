package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.QuantizedWeight;
import java.nio.ByteBuffer;

/**
 * Symmetric int8 with one scale per output channel (row): {@code w ~ q * absmax(row) / 127},
 * the absmax scheme of LLM.int8() without its outlier decomposition.
 */
public final class Int8Weight implements QuantizedWeight {
    private final Shape shape;
    private final NDArray codes;
    private final NDArray scales;

    private Int8Weight(Shape shape, NDArray codes, NDArray scales) {
        this.shape = shape;
        this.codes = codes;
        this.scales = scales;
    }

    public static Int8Weight quantize(NDArray weight, NDManager manager) {
        Shape shape = weight.getShape();
        int rows = (int) shape.get(0);
        int cols = (int) (shape.size() / rows);
        float[] w = weight.toType(DataType.FLOAT32, false).toFloatArray();
        byte[] q = new byte[w.length];
        float[] s = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[r * cols + c]));
            }
            s[r] = max / 127f;
            for (int c = 0; c < cols; c++) {
                q[r * cols + c] = (byte) (max == 0 ? 0 : Math.round(w[r * cols + c] / s[r]));
            }
        }
        return new Int8Weight(shape, manager.create(ByteBuffer.wrap(q), shape, DataType.INT8),
                manager.create(s, new Shape(rows, 1)));
    }

    @Override
    public NDArray dequantize(NDManager manager) {
        return manager.zeros(new Shape(1)).add(codes).mul(scales);
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public long bytes() {
        return codes.getShape().size() + scales.getShape().size() * 4;
    }

    @Override
    public void close() {
        codes.close();
        scales.close();
    }
}
