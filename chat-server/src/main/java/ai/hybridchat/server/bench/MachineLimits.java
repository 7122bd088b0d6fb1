package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The physical limits a benchmark compares against, measured in the same run: memory bandwidth
 * (2 x bytes / time of copying a large array: it is read once and written once) and the matmul
 * peak (FLOPs / time of one large square F32 matmul on DJL's PyTorch engine; both run synchronously
 * on the CPU engine, so the clock brackets the work). Best of a few runs,
 * since a shared machine only ever slows a run down.
 */
public record MachineLimits(double bandwidthBytesPerSecond, double matmulFlopsPerSecond) {
    public static MachineLimits measure() {
        try (NDManager manager = NDManager.newBaseManager()) {
            return new MachineLimits(bandwidth(manager), matmulPeak(manager));
        }
    }

    static double bandwidth(NDManager manager) {
        long floats = 64L << 20; // 256 MB: far beyond any cache
        NDArray source = manager.ones(new Shape(floats));
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            try (NDManager scratch = manager.newSubManager()) {
                long t0 = System.nanoTime();
                NDArray copy = source.duplicate();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                copy.close();
            }
        }
        return 2.0 * floats * Float.BYTES / best;
    }

    static double matmulPeak(NDManager manager) {
        int n = 2048;
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
