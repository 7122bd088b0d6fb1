package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Rotary position embeddings (Su et al., 2021) in Hugging Face's rotate-half convention: the
 * first and second halves of each head are the two coordinates of each rotated pair. Cosine and
 * sine tables are computed once for every position the model supports.
 *
 * <p>{@code rotate_half(x) * sin} is computed as {@code swap_halves(x) * signedSin}, with the sign
 * of the first half folded into the table and the halves swapped by one flip of a
 * {@code [..., 2, d/2]} view: two slices, a negation and a concatenation (and, in training, the
 * zero-filled gradients of the slices) become one flip, whose gradient is a flip.
 */
public final class RotaryEmbedding {
    private final NDArray cos;
    /** {@code -sin} on the first half of each row, {@code sin} on the second. */
    private final NDArray sin;
    private final int half;

    public RotaryEmbedding(LlamaConfig config, NDManager manager) {
        int dim = config.headDim();
        this.half = dim / 2;
        double[] invFreq = inverseFrequencies(dim, config.ropeTheta, config.ropeScaling);
        int positions = config.contextLength();
        float[] cosTable = new float[positions * dim];
        float[] sinTable = new float[positions * dim];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cosTable[p * dim + i] = c;
                cosTable[p * dim + i + half] = c;
                sinTable[p * dim + i] = -s;
                sinTable[p * dim + i + half] = s;
            }
        }
        this.cos = manager.create(cosTable, new Shape(positions, dim));
        this.sin = manager.create(sinTable, new Shape(positions, dim));
    }

    /** Inverse frequencies {@code theta^(-2i/d)}, with Llama 3's long-context rescaling when configured. */
    public static double[] inverseFrequencies(int dim, double theta, JsonNode scaling) {
        double[] inv = new double[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / dim);
        }
        if (scaling != null && !scaling.isNull()) {
            String type = scaling.path("rope_type").asText(scaling.path("type").asText(""));
            if (type.equals("llama3")) {
                double factor = scaling.path("factor").asDouble(8.0);
                double low = scaling.path("low_freq_factor").asDouble(1.0);
                double high = scaling.path("high_freq_factor").asDouble(4.0);
                double original = scaling.path("original_max_position_embeddings").asDouble(8192);
                double lowWavelen = original / low;
                double highWavelen = original / high;
                for (int i = 0; i < inv.length; i++) {
                    double wavelen = 2 * Math.PI / inv[i];
                    if (wavelen > lowWavelen) {
                        inv[i] = inv[i] / factor;
                    } else if (wavelen >= highWavelen) {
                        double smooth = (original / wavelen - low) / (high - low);
                        inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
                    }
                }
            } else if (type.equals("linear")) {
                double factor = scaling.path("factor").asDouble(1.0);
                for (int i = 0; i < inv.length; i++) {
                    inv[i] /= factor;
                }
            } else if (!type.isEmpty() && !type.equals("default")) {
                throw new ModelFormatException("unsupported rope_scaling type '" + type + "' (supported: llama3, linear)");
            }
        }
        return inv;
    }

    /** Rotates {@code x} of shape {@code [B, heads, T, headDim]} for positions {@code start..start+T}. */
    public NDArray apply(NDArray x, int start) {
        long t = x.getShape().get(2);
        if (start + t > cos.getShape().get(0)) {
            throw new IllegalArgumentException("sequence of " + (start + t) + " tokens exceeds the model's context "
                    + cos.getShape().get(0));
        }
        NDIndex window = new NDIndex("{}:{}", start, start + t);
        // slices of the shared tables belong to the request, not to the model's manager
        NDArray c = cos.get(window);
        c.attach(x.getManager());
        NDArray s = sin.get(window);
        s.attach(x.getManager());
        Shape shape = x.getShape();
        long[] pairs = new long[shape.dimension() + 1];
        System.arraycopy(shape.getShape(), 0, pairs, 0, shape.dimension() - 1);
        pairs[shape.dimension() - 1] = 2;
        pairs[shape.dimension()] = half;
        NDArray swapped = x.reshape(new Shape(pairs)).flip(shape.dimension() - 1).reshape(shape);
        return x.mul(c).add(swapped.mul(s));
    }
}
