package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The matmul peak a training benchmark's MFU is measured against: FLOPs / time of one large square
 * F32 matmul on DJL's PyTorch engine (synchronous on the CPU engine, so the clock brackets the
 * work), best of a few runs, since a shared machine only ever slows a run down. Memory bandwidth,
 * which decoding is bound by, is {@link MemoryBandwidth}.
 */
public final class MachineLimits {
    private MachineLimits() {
    }

    public static double matmulPeak() {
        int n = 2048;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                try (NDManager scratch = manager.newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray c = a.matMul(b);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    c.close();
                }
            }
            return 2.0 * n * n * n / best;
        }
    }
}
