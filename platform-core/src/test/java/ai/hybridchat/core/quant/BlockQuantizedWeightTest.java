package ai.hybridchat.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's Q8_0 and Q4_0 as its {@code quantize_row_q8_0_ref} and {@code quantize_row_q4_0_ref}
 * define them (ggml-quants.c): the codes of hand-made blocks, the packing order, and the error
 * bounds of the round trip on random weights.
 */
class BlockQuantizedWeightTest {
    @Test
    void q4PacksValueJLowAndValueJPlus16HighWithTheLargestMagnitudeAtCodeZero() {
        float[] w = new float[32];
        for (int j = 0; j < 32; j++) {
            w[j] = (j - 16) / 16f; // -1 .. 0.9375; the largest magnitude is -1 at j = 0
        }
        try (NDManager m = NDManager.newBaseManager(); NDArray weight = m.create(w, new Shape(1, 32))) {
            Q4Weight q = Q4Weight.quantize(weight, m);
            float d = q.scales().toFloatArray()[0];
            assertEquals(-1f / -8f, d, 0f, "d = max / -8 with max the signed value of largest magnitude");
            byte[] codes = q.codes().toByteArray();
            assertEquals(16, codes.length);
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (int) (w[j] / d + 8.5f));
                int hi = Math.min(15, (int) (w[j + 16] / d + 8.5f));
                assertEquals(lo | (hi << 4), codes[j] & 0xFF, "byte " + j);
            }
            assertEquals(0, codes[0] & 0x0F, "the block's extreme value takes code 0, which expands to exactly -8 d");
            float[] back = q.dequantize(m).toFloatArray();
            assertEquals(-1f, back[0], 0f);
        }
    }

    @Test
    void q8IsRoundToNearestOfAbsmaxOver127() {
        float[] w = new float[64];
        for (int j = 0; j < 64; j++) {
            w[j] = j < 32 ? j * 0.01f : -j * 0.5f;
        }
        try (NDManager m = NDManager.newBaseManager(); NDArray weight = m.create(w, new Shape(2, 32))) {
            Q8Weight q = Q8Weight.quantize(weight, m);
            float[] d = q.scales().toFloatArray();
            assertArrayEquals(new float[] {0.31f / 127f, 31.5f / 127f}, d, 1e-7f);
            byte[] codes = q.codes().toByteArray();
            for (int j = 0; j < 64; j++) {
                assertEquals(Math.round(w[j] / d[j / 32]), codes[j], "value " + j);
            }
        }
    }

    @Test
    void roundTripErrorsStayWithinHalfAStepForQ8AndOneStepForQ4() {
        Random random = new Random(3);
        int rows = 7;
        int cols = 96;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(); NDArray weight = m.create(w, new Shape(rows, cols))) {
            for (WeightFormat format : new WeightFormat[] {WeightFormat.INT8, WeightFormat.Q4}) {
                BlockQuantizedWeight q = InferenceQuantizer.quantize(format, weight, m);
                float[] back = q.dequantize(m).toFloatArray();
                float[] d = q.scales().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    float step = Math.abs(d[i / 32]);
                    float bound = format == WeightFormat.INT8 ? step / 2 : step;
                    assertTrue(Math.abs(w[i] - back[i]) <= bound * 1.0001f + 1e-7f,
                            format + " value " + i + ": " + w[i] + " -> " + back[i] + " (step " + step + ")");
                }
                assertEquals(format == WeightFormat.INT8 ? rows * cols + rows * 3 * 4 : rows * cols / 2 + rows * 3 * 4, q.bytes());
            }
        }
    }

    @Test
    void rowsThatAreNotWholeBlocksAreRefused() {
        try (NDManager m = NDManager.newBaseManager(); NDArray weight = m.zeros(new Shape(4, 40))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Q4Weight.quantize(weight, m));
            assertTrue(e.getMessage().contains("multiples of 32"), e.getMessage());
        }
    }
}
