package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.hybridchat.core.model.AdaptableLayer;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.ProjectionSlots;
import ai.hybridchat.core.model.Scalars;
import java.util.Map;

/**
 * One post-norm BERT block as Hugging Face's {@code BertLayer} computes it (dropout off):
 * {@code h = LayerNorm(x + dense(selfAttention(x)))}, then {@code LayerNorm(h + dense(gelu(dense(h))))}.
 * Attention is bidirectional; the additive mask keeps padding out of every softmax.
 */
public final class EncoderLayer implements AdaptableLayer {
    /** The layer's linear maps by their Hugging Face names, relative to {@code encoder.layer.N.}. */
    public static final String[] PROJECTIONS = {
        "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
        "intermediate.dense", "output.dense"
    };

    private final int index;
    private final int heads;
    private final int headDim;
    private final ProjectionSlots projections;
    private final LayerNorm attentionNorm;
    private final LayerNorm outputNorm;

    EncoderLayer(int index, BertConfig config, Map<String, Projection> projections, LayerNorm attentionNorm, LayerNorm outputNorm) {
        this.index = index;
        this.heads = config.numAttentionHeads;
        this.headDim = config.headDim();
        this.projections = new ProjectionSlots("encoder layer " + index, projections);
        this.attentionNorm = attentionNorm;
        this.outputNorm = outputNorm;
    }

    /**
     * @param x    {@code [B, T, H]}
     * @param mask {@code [B, 1, 1, T]}: 0 where a key may be attended to, a large negative number at padding
     */
    public NDArray forward(NDArray x, NDArray mask) {
        NDArray h = attentionNorm.forward(x.add(projection("attention.output.dense").forward(selfAttention(x, mask))));
        NDArray inner = Activation.gelu(projection("intermediate.dense").forward(h));
        return outputNorm.forward(h.add(projection("output.dense").forward(inner)));
    }

    private NDArray selfAttention(NDArray x, NDArray mask) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = split(projection("attention.self.query").forward(x), b, t);
        NDArray k = split(projection("attention.self.key").forward(x), b, t);
        NDArray v = split(projection("attention.self.value").forward(x), b, t);
        NDArray scores = Scalars.mul(q, 1.0f / (float) Math.sqrt(headDim)).matMul(k.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
    }

    private NDArray split(NDArray projected, long b, long t) {
        return projected.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    public ProjectionSlots slots() {
        return projections;
    }

    public LayerNorm attentionNorm() {
        return attentionNorm;
    }

    public LayerNorm outputNorm() {
        return outputNorm;
    }

    @Override
    public int index() {
        return index;
    }
}
