package ai.hybridchat.core.decode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
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
    /**
     * The machine's widest float vector, but at most 256 bits: on the development machine (AMD EPYC
     * with AVX-512) 256-bit loads streamed 5-10% faster than 512-bit ones in every kernel shape tried.
     * A static final, as the vector API needs to compile it to machine vectors.
     */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Kernels() {
    }

    /**
     * {@code y[yOffset + r] = W[r, :] . x} for rows {@code from..to} of a row-major F32 matrix
     * {@code W [*, in]}: one row at a time, as one sequential stream, with four independent
     * accumulators so the FMA latency does not serialise the loads. Measured on the 2-core
     * development machine (113 MB matrix, 2 threads): this form reads at the speed of a plain
     * streaming sum (49-53 GB/s), where four rows at a time sharing each load of {@code x} read
     * at 26-30 GB/s from a direct buffer.
     */
    static void matVec(ByteBuffer w, int in, float[] x, float[] y, int yOffset, int from, int to) {
        int rowBytes = in * Float.BYTES;
        for (int r = from; r < to; r++) {
            y[yOffset + r] = dot(w, r * rowBytes, x, 0, in);
        }
    }

    /** {@code W[row] . x[xOffset..xOffset+n]} for a row starting at byte {@code base} of {@code w}. */
    static float dot(ByteBuffer w, int base, float[] x, int xOffset, int n) {
        int step = 4 * L;
        int bound = n / step * step;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int c = 0;
        for (; c < bound; c += step) {
            int o = base + c * Float.BYTES;
            int xc = xOffset + c;
            a0 = FloatVector.fromByteBuffer(S, w, o, LE).fma(FloatVector.fromArray(S, x, xc), a0);
            a1 = FloatVector.fromByteBuffer(S, w, o + L * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xc + L), a1);
            a2 = FloatVector.fromByteBuffer(S, w, o + 2 * L * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xc + 2 * L), a2);
            a3 = FloatVector.fromByteBuffer(S, w, o + 3 * L * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xc + 3 * L), a3);
        }
        for (; c + L <= n; c += L) {
            a0 = FloatVector.fromByteBuffer(S, w, base + c * Float.BYTES, LE).fma(FloatVector.fromArray(S, x, xOffset + c), a0);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += w.getFloat(base + c * Float.BYTES) * x[xOffset + c];
        }
        return s;
    }

    /** Eight floats from eight bytes: the quantized kernels' widening step (8-bit codes to F32 lanes). */
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;

    private static FloatVector widen(ByteVector codes) {
        return (FloatVector) codes.convertShape(VectorOperators.B2F, F8, 0);
    }

    /**
     * {@code W[row] . x} for a row of Q8 blocks ({@code n} values, a multiple of 32): codes from byte
     * {@code codeBase}, one F32 scale per block from byte {@code scaleBase}. Each block's eight-lane
     * partial sum is scaled once, so a value costs a widening and an FMA; the loop is bound by
     * arithmetic, not memory (measured: ~17 G values/s on two cores, ~20 GB/s of codes).
     */
    static float q8Dot(ByteBuffer codes, int codeBase, ByteBuffer scales, int scaleBase, float[] x, int n) {
        FloatVector acc0 = FloatVector.zero(F8);
        FloatVector acc1 = FloatVector.zero(F8);
        int b = 0;
        for (; b + 64 <= n; b += 64) {
            acc0 = q8Block(codes, codeBase + b, x, b).fma(FloatVector.broadcast(F8, scales.getFloat(scaleBase + (b >> 3))), acc0);
            acc1 = q8Block(codes, codeBase + b + 32, x, b + 32)
                    .fma(FloatVector.broadcast(F8, scales.getFloat(scaleBase + ((b + 32) >> 3))), acc1);
        }
        for (; b < n; b += 32) {
            acc0 = q8Block(codes, codeBase + b, x, b).fma(FloatVector.broadcast(F8, scales.getFloat(scaleBase + (b >> 3))), acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector q8Block(ByteBuffer codes, int o, float[] x, int c) {
        FloatVector p = widen(ByteVector.fromByteBuffer(B8, codes, o, LE)).mul(FloatVector.fromArray(F8, x, c));
        p = widen(ByteVector.fromByteBuffer(B8, codes, o + 8, LE)).fma(FloatVector.fromArray(F8, x, c + 8), p);
        p = widen(ByteVector.fromByteBuffer(B8, codes, o + 16, LE)).fma(FloatVector.fromArray(F8, x, c + 16), p);
        return widen(ByteVector.fromByteBuffer(B8, codes, o + 24, LE)).fma(FloatVector.fromArray(F8, x, c + 24), p);
    }

    /**
     * {@code W[row] . x} for a row of Q4 blocks (llama.cpp's {@code Q4_0} packing: byte {@code j}
     * of a block holds value {@code j} low and {@code j + 16} high, each {@code code - 8}); codes from
     * byte {@code codeBase} (16 per block), scales as in {@link #q8Dot}.
     */
    static float q4Dot(ByteBuffer codes, int codeBase, ByteBuffer scales, int scaleBase, float[] x, int n) {
        // one block per iteration, written out: moved into a helper method (as q8Dot's blocks are) the
        // loop ran 3x slower, the vectors no longer staying in registers
        FloatVector acc = FloatVector.zero(F8);
        for (int b = 0; b < n; b += 32) {
            int o = codeBase + (b >> 1);
            ByteVector v0 = ByteVector.fromByteBuffer(B8, codes, o, LE);
            ByteVector v1 = ByteVector.fromByteBuffer(B8, codes, o + 8, LE);
            FloatVector p = widen(v0.and((byte) 15).sub((byte) 8)).mul(FloatVector.fromArray(F8, x, b));
            p = widen(v1.and((byte) 15).sub((byte) 8)).fma(FloatVector.fromArray(F8, x, b + 8), p);
            p = widen(v0.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).fma(FloatVector.fromArray(F8, x, b + 16), p);
            p = widen(v1.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).fma(FloatVector.fromArray(F8, x, b + 24), p);
            acc = p.fma(FloatVector.broadcast(F8, scales.getFloat(scaleBase + (b >> 3))), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
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

    /**
     * SwiGLU's gating (Shazeer, 2020) in place: {@code gate[j] = silu(gate[j]) * up[j]} for
     * {@code j in [from, to)}, {@code silu(g) = g / (1 + e^-g)}, with the vector API's {@code EXP}
     * (a scalar {@code Math.exp} per value was ~6% of a ~135M step).
     */
    static void swiglu(float[] gate, float[] up, int from, int to) {
        int j = from;
        for (; j + L <= to; j += L) {
            FloatVector g = FloatVector.fromArray(S, gate, j);
            FloatVector sig = g.neg().lanewise(VectorOperators.EXP).add(1f);
            g.div(sig).mul(FloatVector.fromArray(S, up, j)).intoArray(gate, j);
        }
        for (; j < to; j++) {
            float g = gate[j];
            gate[j] = g / (1f + (float) Math.exp(-g)) * up[j];
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
