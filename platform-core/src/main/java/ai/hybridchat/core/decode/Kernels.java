package ai.hybridchat.core.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The few loops batch-1 decoding spends its time in, on the JDK's vector API. Written by hand
 * because no library on the classpath has them: libtorch has the maths, but at batch 1 its
 * per-call cost (one JNI crossing, one allocation, one dispatch per op, ~25 ops per layer) and its
 * matrix-vector kernel's thread use were where the time went, not the arithmetic.
 *
 * <p>Weights are read in place from libtorch's own memory ({@code NDArray.toByteBuffer(true)} is a
 * direct buffer on the tensor's storage), so the fast path holds no second copy of the model.
 */
final class Kernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Kernels() {
    }

    /**
     * {@code y[yOffset + r] = W[r, :] . x} for rows {@code from..to} of a row-major F32 matrix
     * {@code W [*, in]}. Four rows at a time share each load of {@code x}: a weight byte is read once
     * and the loop stays bound by memory, not by loads.
     */
    static void matVec(ByteBuffer w, int in, float[] x, float[] y, int yOffset, int from, int to) {
        int rowBytes = in * Float.BYTES;
        int bound = S.loopBound(in);
        int r = from;
        for (; r + 4 <= to; r += 4) {
            int b0 = r * rowBytes;
            int b1 = b0 + rowBytes;
            int b2 = b1 + rowBytes;
            int b3 = b2 + rowBytes;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector xv = FloatVector.fromArray(S, x, c);
                int o = c * Float.BYTES;
                a0 = FloatVector.fromByteBuffer(S, w, b0 + o, LE).fma(xv, a0);
                a1 = FloatVector.fromByteBuffer(S, w, b1 + o, LE).fma(xv, a1);
                a2 = FloatVector.fromByteBuffer(S, w, b2 + o, LE).fma(xv, a2);
                a3 = FloatVector.fromByteBuffer(S, w, b3 + o, LE).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; c < in; c++) {
                float xc = x[c];
                int o = c * Float.BYTES;
                s0 += w.getFloat(b0 + o) * xc;
                s1 += w.getFloat(b1 + o) * xc;
                s2 += w.getFloat(b2 + o) * xc;
                s3 += w.getFloat(b3 + o) * xc;
            }
            y[yOffset + r] = s0;
            y[yOffset + r + 1] = s1;
            y[yOffset + r + 2] = s2;
            y[yOffset + r + 3] = s3;
        }
        for (; r < to; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, x, 0, in);
        }
    }

    /** {@code W[row] . x[xOffset..xOffset+n]} for a row starting at byte {@code base} of {@code w}. */
    static float dot(ByteBuffer w, int base, float[] x, int xOffset, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (; c < bound; c += L) {
            acc = FloatVector.fromByteBuffer(S, w, base + c * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xOffset + c), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += w.getFloat(base + c * Float.BYTES) * x[xOffset + c];
        }
        return s;
    }

    /** {@code out[outOffset..+n] += p * W[row]} for a row starting at byte {@code base}: attention's weighted sum of values. */
    static void axpy(float p, ByteBuffer w, int base, float[] out, int outOffset, int n) {
        int bound = S.loopBound(n);
        FloatVector pv = FloatVector.broadcast(S, p);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector o = FloatVector.fromArray(S, out, outOffset + c);
            FloatVector.fromByteBuffer(S, w, base + c * Float.BYTES, LE).fma(pv, o).intoArray(out, outOffset + c);
        }
        for (; c < n; c++) {
            out[outOffset + c] += p * w.getFloat(base + c * Float.BYTES);
        }
    }

    /** {@code a . b} over {@code n} values of two heap arrays. */
    static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        int bound = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int c = 0;
        for (; c < bound; c += L) {
            acc = FloatVector.fromArray(S, a, aOffset + c).fma(FloatVector.fromArray(S, b, bOffset + c), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += a[aOffset + c] * b[bOffset + c];
        }
        return s;
    }

    /**
     * Root-mean-square norm (Zhang and Sennrich, 2019) of {@code x} into {@code out}:
     * {@code x / sqrt(mean(x^2) + eps) * weight}, as Hugging Face's {@code LlamaRMSNorm} in F32.
     */
    static void rmsNorm(float[] x, float[] weight, float eps, float[] out) {
        int n = x.length;
        float meanSquare = dot(x, 0, x, 0, n) / n;
        float inv = (float) (1.0 / Math.sqrt(meanSquare + eps));
        int bound = S.loopBound(n);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector.fromArray(S, x, c).mul(inv).mul(FloatVector.fromArray(S, weight, c)).intoArray(out, c);
        }
        for (; c < n; c++) {
            out[c] = x[c] * inv * weight[c];
        }
    }

    /** {@code x += d} over the first {@code n} values. */
    static void add(float[] x, float[] d, int n) {
        int bound = S.loopBound(n);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector.fromArray(S, x, c).add(FloatVector.fromArray(S, d, c)).intoArray(x, c);
        }
        for (; c < n; c++) {
            x[c] += d[c];
        }
    }

    /** A whole-buffer read, summed so the JIT cannot drop it: the read-bandwidth yardstick's kernel. */
    static float sum(ByteBuffer b, int fromByte, int toByte) {
        int step = 4 * L * Float.BYTES;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int o = fromByte;
        for (; o + step <= toByte; o += step) {
            a0 = a0.add(FloatVector.fromByteBuffer(S, b, o, LE));
            a1 = a1.add(FloatVector.fromByteBuffer(S, b, o + L * Float.BYTES, LE));
            a2 = a2.add(FloatVector.fromByteBuffer(S, b, o + 2 * L * Float.BYTES, LE));
            a3 = a3.add(FloatVector.fromByteBuffer(S, b, o + 3 * L * Float.BYTES, LE));
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; o + Float.BYTES <= toByte; o += Float.BYTES) {
            s += b.getFloat(o);
        }
        return s;
    }
}
