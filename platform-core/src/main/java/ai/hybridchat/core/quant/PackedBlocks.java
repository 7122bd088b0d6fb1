package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** What Q8 and Q4 weights share: the shape, the packed codes and the per-block scales, held as native arrays. */
public abstract class PackedBlocks implements BlockQuantizedWeight {
    protected final Shape shape;
    protected final NDArray codes;
    protected final NDArray scales;

    PackedBlocks(Shape shape, NDArray codes, NDArray scales) {
        this.shape = shape;
        this.codes = codes;
        this.scales = scales;
    }

    @Override
    public NDArray codes() {
        return codes;
    }

    @Override
    public NDArray scales() {
        return scales;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public long bytes() {
        return codes.size() + scales.size() * Float.BYTES;
    }

    @Override
    public void close() {
        codes.close();
        scales.close();
    }
}
