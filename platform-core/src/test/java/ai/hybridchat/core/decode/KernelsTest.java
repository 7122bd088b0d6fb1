package ai.hybridchat.core.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written kernels against plain scalar loops, on lengths that exercise every tail of their vector loops. */
class KernelsTest {
    private final Random random = new Random(13);

    @Test
    void matVecEqualsTheScalarProductForEveryRowLength() {
        for (int in : new int[] {1, 7, 8, 31, 32, 33, 37, 64, 100}) {
            int out = 11;
            float[] w = gaussian(out * in);
            float[] x = gaussian(in);
            ByteBuffer buffer = ByteBuffer.allocateDirect(w.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(w);
            float[] y = new float[out + 3];
            Kernels.matVec(buffer, in, x, y, 3, 2, out);
            for (int r = 2; r < out; r++) {
                double expected = 0;
                for (int c = 0; c < in; c++) {
                    expected += (double) w[r * in + c] * x[c];
                }
                assertEquals(expected, y[3 + r], 1e-4, "in " + in + ", row " + r);
            }
            assertEquals(0f, y[3 + 1], "rows outside [from, to) are not written");
        }
    }

    @Test
    void swigluEqualsSiluOfTheGateTimesUp() {
        int n = 45;
        float[] gate = gaussian(n);
        float[] up = gaussian(n);
        float[] original = gate.clone();
        Kernels.swiglu(gate, up, 3, n);
        for (int j = 0; j < n; j++) {
            double g = original[j];
            double expected = j < 3 ? g : g / (1 + Math.exp(-g)) * up[j];
            assertEquals(expected, gate[j], 1e-5, "index " + j);
        }
    }

    @Test
    void rmsNormAsHuggingFacesLlamaRmsNorm() {
        int n = 19;
        float[] x = gaussian(n);
        float[] weight = gaussian(n);
        float[] out = new float[n];
        Kernels.rmsNorm(x, weight, 1e-6f, out);
        double meanSquare = 0;
        for (float v : x) {
            meanSquare += v * v;
        }
        double inv = 1 / Math.sqrt(meanSquare / n + 1e-6);
        for (int i = 0; i < n; i++) {
            assertEquals(x[i] * inv * weight[i], out[i], 1e-5);
        }
    }

    private float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
