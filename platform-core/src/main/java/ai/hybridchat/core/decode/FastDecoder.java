package ai.hybridchat.core.decode;

import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.KvCache;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.RmsNorm;
import ai.hybridchat.core.model.RotaryEmbedding;
import ai.hybridchat.core.model.StepDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Batch-1 decoding of a {@link LlamaModel} on the JDK's vector API: the same maths as
 * {@link LlamaModel#forward} for one new token after a prefill ({@link #STEPS} is how {@code Generator} uses it) (RMSNorm, q/k/v with rotary
 * positions, grouped-query attention over the KV cache, SwiGLU, the output head; LoRA applied
 * unmerged), with no libtorch call per token. Each fused projection (q/k/v together, gate/up
 * together) is one parallel section over the concatenated rows, so a step has four sections per
 * layer plus the head, instead of ~25 native calls.
 *
 * <p>It reads the weights where libtorch holds them and writes keys and values straight into the
 * {@link KvCache}'s arrays, so prefill (on libtorch) and decode share one cache. Built per request
 * from the model's current projections (cheap: no weight is copied), so an adapter swapped
 * between requests is what the next request sees. Prefill and training stay on libtorch.
 */
public final class FastDecoder {
    /** This path as {@link Generator}'s step decoder: a session when {@link #of} accepts the model, else null. */
    public static final StepDecoder STEPS = (model, cache) -> {
        FastDecoder fast = of(model);
        return fast == null ? null : fast.start(cache);
    };

    private final LlamaConfig config;
    private final DenseView embedding;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final float finalEps;
    private final DenseView head;
    private final float[] cos;
    private final float[] sin;

    private record Layer(float[] inputNorm, float inputEps, float[] postNorm, float postEps,
                         DenseView q, DenseView k, DenseView v, DenseView o, DenseView gate, DenseView up, DenseView down) {
    }

    private FastDecoder(LlamaConfig config, DenseView embedding, Layer[] layers, float[] finalNorm, float finalEps,
                        DenseView head) {
        this.config = config;
        this.embedding = embedding;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.finalEps = finalEps;
        this.head = head;
        int half = config.headDim() / 2;
        double[] inv = RotaryEmbedding.inverseFrequencies(config.headDim(), config.ropeTheta, config.ropeScaling);
        int positions = config.contextLength();
        this.cos = new float[positions * half];
        this.sin = new float[positions * half];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * inv[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
    }

    /**
     * The fast path for {@code model} as its projections are now, or null when it cannot compute
     * exactly what libtorch would: no vector API in this JVM, or a weight held in another form
     * (QLoRA's NF4 or per-row int8, a 16-bit embedding, BF16), or LoRA dropout in training mode.
     * The caller then stays on libtorch. Block-quantized weights ({@code --weights int8|q4}) are
     * read in their packed form.
     */
    public static FastDecoder of(LlamaModel model) {
        if (!VectorSupport.available()) {
            return null;
        }
        LlamaConfig c = model.config();
        List<DecoderLayer> decoderLayers = model.layers();
        Layer[] layers = new Layer[decoderLayers.size()];
        for (int i = 0; i < layers.length; i++) {
            DecoderLayer l = decoderLayers.get(i);
            String[] names = DecoderLayer.PROJECTIONS;
            DenseView[] views = new DenseView[names.length];
            for (int j = 0; j < names.length; j++) {
                views[j] = DenseView.of(l.projection(names[j]));
                if (views[j] == null) {
                    return null;
                }
            }
            float[] in = norm(l.inputNorm());
            float[] post = norm(l.postAttentionNorm());
            if (in == null || post == null) {
                return null;
            }
            layers[i] = new Layer(in, l.inputNorm().eps(), post, l.postAttentionNorm().eps(),
                    views[0], views[1], views[2], views[3], views[4], views[5], views[6]);
        }
        DenseView embedding = DenseView.embedding(model);
        DenseView head = DenseView.of(model.lmHead());
        float[] finalNorm = norm(model.finalNorm());
        if (embedding == null || head == null || finalNorm == null) {
            return null;
        }
        return new FastDecoder(c, embedding, layers, finalNorm, model.finalNorm().eps(), head);
    }

    private static float[] norm(RmsNorm norm) {
        return norm.weight().getDataType() == DataType.FLOAT32 ? norm.weight().toFloatArray() : null;
    }

    /** Decoding state for one request: the cache a prefill filled, and scratch arrays for its steps. */
    public Session start(KvCache cache) {
        return new Session(cache);
    }

    public final class Session implements StepDecoder.Session {
        private final KvCache cache;
        private final ByteBuffer[] keys;
        private final ByteBuffer[] values;
        private final int capacity;
        private final int hidden = config.hiddenSize;
        private final int heads = config.numAttentionHeads;
        private final int kvHeads = config.kvHeads();
        private final int headDim = config.headDim();
        private final float[] x = new float[hidden];
        private final float[] xn = new float[hidden];
        private final float[] q = new float[heads * headDim];
        private final float[] k = new float[kvHeads * headDim];
        private final float[] v = new float[kvHeads * headDim];
        private final float[] context = new float[heads * headDim];
        private final float[] attended = new float[hidden];
        private final float[] gate = new float[config.intermediateSize];
        private final float[] up = new float[config.intermediateSize];
        private final float[] mlp = new float[hidden];
        private final float[][] scores;

        private Session(KvCache cache) {
            this.cache = cache;
            int n = layers.length;
            this.keys = new ByteBuffer[n];
            this.values = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                keys[i] = DenseView.buffer(cache.keys(i));
                values[i] = DenseView.buffer(cache.values(i));
                if (keys[i] == null || values[i] == null) {
                    throw new IllegalStateException("the KV cache's arrays have no shareable F32 memory");
                }
            }
            this.capacity = cache.capacity();
            this.scores = new float[DecodePool.shared().threads()][capacity];
        }

        /** Feeds {@code token} at the cache's next position and returns the next-token logits (F32, a new array). */
        @Override
        public float[] step(int token) {
            int pos = cache.length();
            if (pos >= capacity) {
                throw new IllegalArgumentException("KV cache capacity " + capacity + " exceeded");
            }
            embedding.row(token, x);
            for (int i = 0; i < layers.length; i++) {
                Layer l = layers[i];
                Kernels.rmsNorm(x, l.inputNorm, l.inputEps, xn);
                section(xn, l.q, q, l.k, k, l.v, v);
                rotate(q, heads, pos);
                rotate(k, kvHeads, pos);
                store(keys[i], k, pos);
                store(values[i], v, pos);
                attend(keys[i], values[i], pos);
                section(context, l.o, attended, null, null, null, null);
                Kernels.add(x, attended, hidden);
                Kernels.rmsNorm(x, l.postNorm, l.postEps, xn);
                section(xn, l.gate, gate, l.up, up, null, null);
                DecodePool.shared().run(p -> {
                    int from = DecodePool.shared().from(p, gate.length);
                    Kernels.swiglu(gate, up, from, DecodePool.shared().from(p + 1, gate.length));
                });
                section(gate, l.down, mlp, null, null, null, null);
                Kernels.add(x, mlp, hidden);
            }
            cache.advance(1);
            Kernels.rmsNorm(x, finalNorm, finalEps, xn);
            float[] logits = new float[head.out];
            section(xn, head, logits, null, null, null, null);
            return logits;
        }

        /**
         * {@code ya = A x, yb = B x, yc = C x} as one parallel section: the rows of the (up to three)
         * matrices are split evenly between the threads as if they were one matrix.
         */
        private void section(float[] in, DenseView a, float[] ya, DenseView b, float[] yb, DenseView c, float[] yc) {
            int na = a.out;
            int nb = b == null ? 0 : b.out;
            int total = na + nb + (c == null ? 0 : c.out);
            DecodePool.shared().run(p -> {
                int from = DecodePool.shared().from(p, total);
                int to = DecodePool.shared().from(p + 1, total);
                rows(a, in, ya, from, to, 0);
                if (b != null) {
                    rows(b, in, yb, from, to, na);
                }
                if (c != null) {
                    rows(c, in, yc, from, to, na + nb);
                }
            });
            a.finish(in, ya, 0);
            if (b != null) {
                b.finish(in, yb, 0);
            }
            if (c != null) {
                c.finish(in, yc, 0);
            }
        }

        /** The part of global rows {@code [from, to)} that falls in the matrix whose rows start at {@code base}. */
        private void rows(DenseView m, float[] in, float[] y, int from, int to, int base) {
            int lo = Math.max(from - base, 0);
            int hi = Math.min(to - base, m.out);
            if (lo < hi) {
                m.rows(in, y, lo, hi);
            }
        }

        /** Hugging Face's rotate-half rotary embedding of each head of {@code t} at position {@code pos}. */
        private void rotate(float[] t, int n, int pos) {
            int half = headDim / 2;
            int table = pos * half;
            for (int h = 0; h < n; h++) {
                int o = h * headDim;
                for (int i = 0; i < half; i++) {
                    float c = cos[table + i];
                    float s = sin[table + i];
                    float a = t[o + i];
                    float b = t[o + i + half];
                    t[o + i] = a * c - b * s;
                    t[o + i + half] = b * c + a * s;
                }
            }
        }

        /** Writes the heads of {@code t} into the cache's slot {@code pos} ({@code [1, kvHeads, capacity, headDim]}). */
        private void store(ByteBuffer cacheArray, float[] t, int pos) {
            for (int g = 0; g < kvHeads; g++) {
                int at = (g * capacity + pos) * headDim * Float.BYTES;
                for (int d = 0; d < headDim; d++) {
                    cacheArray.putFloat(at + d * Float.BYTES, t[g * headDim + d]);
                }
            }
        }

        /** Grouped-query attention of the new token over positions {@code 0..pos}, heads split between the threads. */
        private void attend(ByteBuffer keyArray, ByteBuffer valueArray, int pos) {
            int groups = heads / kvHeads;
            float scale = (float) (1.0 / Math.sqrt(headDim));
            int length = pos + 1;
            DecodePool.shared().run(p -> {
                float[] s = scores[p];
                for (int h = DecodePool.shared().from(p, heads); h < DecodePool.shared().from(p + 1, heads); h++) {
                    int g = h / groups;
                    int qo = h * headDim;
                    int headBase = g * capacity * headDim * Float.BYTES;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < length; j++) {
                        s[j] = Kernels.dot(keyArray, headBase + j * headDim * Float.BYTES, q, qo, headDim) * scale;
                        max = Math.max(max, s[j]);
                    }
                    float sum = 0;
                    for (int j = 0; j < length; j++) {
                        s[j] = (float) Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    java.util.Arrays.fill(context, qo, qo + headDim, 0f);
                    for (int j = 0; j < length; j++) {
                        Kernels.axpy(s[j] / sum, valueArray, headBase + j * headDim * Float.BYTES, context, qo, headDim);
                    }
                }
            });
        }
    }
}
