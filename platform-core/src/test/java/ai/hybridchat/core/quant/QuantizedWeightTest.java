package ai.hybridchat.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.QuantizedWeight;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedWeightTest {
    @Test
    void nf4RestoresItsLevelsExactlyAndPacksTwoCodesPerByte() {
        try (NDManager m = NDManager.newBaseManager()) {
            // each block of 64: the 16 levels scaled by 2.5, four times over
            float[] w = new float[128];
            for (int i = 0; i < w.length; i++) {
                w[i] = Nf4Weight.LEVELS[(i * 7) % 16] * 2.5f;
            }
            w[64] = -2.5f; // so the second block also has absmax 2.5
            Nf4Weight q = Nf4Weight.quantize(m.create(w, new Shape(2, 64)), m);
            try (NDManager step = m.newSubManager()) {
                NDArray back = q.dequantize(step);
                assertEquals(new Shape(2, 64), back.getShape());
                assertArrayEquals(w, back.toFloatArray(), 1e-5f);
            }
            assertEquals(64 + 2 * 4 + 16 * 4, q.bytes());
        }
    }

    @Test
    void nf4AndInt8ApproximateGaussianWeightsWithTheirExpectedError() {
        Random r = new Random(5);
        float[] w = new float[256 * 128];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * 0.02f;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = m.create(w, new Shape(256, 128));
            double nf4 = error(w, Nf4Weight.quantize(weight, m), m);
            double int8 = error(w, Int8Weight.quantize(weight, m), m);
            // 16 levels leave about a tenth of the signal as noise; 255 levels well under a hundredth
            assertTrue(nf4 > 0.05 && nf4 < 0.12, "nf4 " + nf4);
            assertTrue(int8 < 0.015, "int8 " + int8);
            assertEquals(256L * 128 + 256 * 4, Int8Weight.quantize(weight, m).bytes());
        }
    }

    private static double error(float[] w, QuantizedWeight q, NDManager m) {
        try (NDManager step = m.newSubManager()) {
            float[] back = q.dequantize(step).toFloatArray();
            double err = 0;
            double norm = 0;
            for (int i = 0; i < w.length; i++) {
                err += (w[i] - back[i]) * (double) (w[i] - back[i]);
                norm += w[i] * (double) w[i];
            }
            return Math.sqrt(err / norm);
        }
    }

    @Test
    void dequantizingLeavesNothingAttachedToTheHoldingManager() {
        try (NDManager m = NDManager.newBaseManager(); NDManager holder = m.newSubManager()) {
            QuantizedWeight q = Nf4Weight.quantize(m.create(new float[64 * 4], new Shape(4, 64)), holder);
            int held = holder.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                try (NDManager step = m.newSubManager()) {
                    q.dequantize(step);
                }
            }
            assertEquals(held, holder.getManagedArrays().size());
        }
    }

    @Test
    void nf4RefusesAWeightThatIsNotWholeBlocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Nf4Weight.quantize(m.create(new float[30], new Shape(3, 10)), m));
            assertTrue(e.getMessage().contains("divisible by 64"), e.getMessage());
        }
    }
}
