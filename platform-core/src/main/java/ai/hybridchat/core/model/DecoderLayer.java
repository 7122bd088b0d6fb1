package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One pre-norm Llama block: {@code x + attention(rmsNorm(x))}, then {@code x + swiglu(rmsNorm(x))}.
 * Attention is grouped-query: each key/value head serves {@code heads / kvHeads} query heads, so
 * the query heads of a group are folded into the time axis instead of copying keys and values.
 */
public final class DecoderLayer implements AdaptableLayer {
    public static final String[] PROJECTIONS = {
        "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
        "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"
    };

    private final int index;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final RmsNorm inputNorm;
    private final RmsNorm postAttentionNorm;
    private final ProjectionSlots projections;

    DecoderLayer(int index, LlamaConfig config, RmsNorm inputNorm, RmsNorm postAttentionNorm, Map<String, Projection> projections) {
        this.index = index;
        this.heads = config.numAttentionHeads;
        this.kvHeads = config.kvHeads();
        this.headDim = config.headDim();
        this.inputNorm = inputNorm;
        this.postAttentionNorm = postAttentionNorm;
        this.projections = new ProjectionSlots("layer " + index, projections);
    }

    public NDArray forward(NDArray x, RotaryEmbedding rope, int start, KvCache cache, NDArray mask) {
        NDArray h = x.add(attention(inputNorm.forward(x), rope, start, cache, mask));
        return h.add(swiglu(postAttentionNorm.forward(h)));
    }

    private NDArray attention(NDArray x, RotaryEmbedding rope, int start, KvCache cache, NDArray mask) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = rope.apply(split(projection("self_attn.q_proj").forward(x), b, t, heads), start);
        NDArray k = rope.apply(split(projection("self_attn.k_proj").forward(x), b, t, kvHeads), start);
        NDArray v = split(projection("self_attn.v_proj").forward(x), b, t, kvHeads);
        if (cache != null) {
            NDArray[] kv = cache.append(index, start, k, v);
            k = kv[0];
            v = kv[1];
        }
        long keysLen = k.getShape().get(2);
        int groups = heads / kvHeads;
        // [B, heads, T, d] -> [B, kvHeads, groups*T, d]: query heads h*groups..h*groups+groups-1 share kv head h.
        // The 1/sqrt(d) scale goes on the queries, not the scores: the same product, but the pass over
        // T*d values instead of T*keys values (forward and backward), a few percent of a training step
        NDArray qg = Scalars.mul(q, 1.0f / (float) Math.sqrt(headDim)).reshape(b, kvHeads, groups * t, headDim);
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.reshape(b, kvHeads, groups, t, keysLen).add(mask).reshape(b, kvHeads, groups * t, keysLen);
        }
        NDArray context = scores.softmax(-1).matMul(v)
                .reshape(b, heads, t, headDim)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, (long) heads * headDim);
        return projection("self_attn.o_proj").forward(context);
    }

    private NDArray split(NDArray projected, long b, long t, int n) {
        return projected.reshape(b, t, n, headDim).transpose(0, 2, 1, 3);
    }

    private NDArray swiglu(NDArray x) {
        NDArray gate = projection("mlp.gate_proj").forward(x);
        NDArray silu = gate.mul(gate.getNDArrayInternal().sigmoid());
        return projection("mlp.down_proj").forward(silu.mul(projection("mlp.up_proj").forward(x)));
    }

    @Override
    public ProjectionSlots slots() {
        return projections;
    }

    public RmsNorm inputNorm() {
        return inputNorm;
    }

    public RmsNorm postAttentionNorm() {
        return postAttentionNorm;
    }

    @Override
    public int index() {
        return index;
    }
}
