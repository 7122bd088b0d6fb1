package ai.hybridchat.core.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The read bandwidth the decode threads themselves reach: every byte of a large F32 buffer read
 * once, split between the {@link DecodePool}'s threads as a decode step splits the weights. It is
 * the yardstick's own kernel beside libtorch's, so that "decode / read bandwidth" compares the
 * decoder with the best streaming read of the same threads, not with a slower one.
 */
public final class StreamingRead {
    private StreamingRead() {
    }

    /** Threads a decode step (and this read) runs on. */
    public static int threads() {
        return DecodePool.shared().threads();
    }

    /**
     * Bytes per second of the fastest of {@code repeats} whole reads of {@code buffer} (direct, F32
     * values, at most 2 GiB); each part's sum is kept so the JIT cannot drop the loads.
     */
    public static double bytesPerSecond(ByteBuffer buffer, int repeats) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        DecodePool pool = DecodePool.shared();
        int bytes = b.capacity() / 64 * 64;
        float[] sums = new float[pool.threads()];
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            pool.run(p -> sums[p] += Kernels.sum(b, align(pool.from(p, bytes)), align(pool.from(p + 1, bytes))));
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        float total = 0;
        for (float s : sums) {
            total += s;
        }
        if (Float.isNaN(total)) {
            throw new IllegalStateException("the buffer holds NaN: fill it with numbers first");
        }
        return bytes / best;
    }

    private static int align(int offset) {
        return offset / 64 * 64;
    }
}
