package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.Projection;
import java.util.List;
import java.util.Map;

/**
 * Quantizes a loaded F32 model for inference in place ({@code --weights int8|q4}): every projection
 * and the token embedding (with a tied head, the head; otherwise {@code lm_head} too) become
 * {@link BlockQuantizedWeight}s and their F32 tensors are freed, one matrix at a time, so the peak
 * is the F32 model plus one matrix. Norms stay F32. Adapters go on top afterwards, unmerged.
 */
public final class InferenceQuantizer {
    private InferenceQuantizer() {
    }

    /** {@code weight} quantized to {@code format} (F32 has no quantized form). */
    public static BlockQuantizedWeight quantize(WeightFormat format, NDArray weight, NDManager manager) {
        return switch (format) {
            case INT8 -> Q8Weight.quantize(weight, manager);
            case Q4 -> Q4Weight.quantize(weight, manager);
            case F32 -> throw new IllegalArgumentException("F32 is not quantized");
        };
    }

    /**
     * The format of the embedding and the output head: 8 bits when the projections get 4, as
     * llama.cpp's quantizer keeps its output tensor in more bits than a Q4_0 model's blocks (the
     * head picks every token, and it is read once per token where the projections are read 7 x layers times).
     */
    static WeightFormat outerFormat(WeightFormat format) {
        return format == WeightFormat.Q4 ? WeightFormat.INT8 : format;
    }

    public static void quantize(LlamaModel model, WeightFormat format) {
        if (format == WeightFormat.F32) {
            return;
        }
        for (DecoderLayer layer : model.layers()) {
            for (Map.Entry<String, Projection> e : List.copyOf(layer.projections().entrySet())) {
                if (!(e.getValue() instanceof Linear linear)) {
                    throw new IllegalStateException("quantize the base before adding adapters (" + e.getKey() + " is "
                            + e.getValue().getClass().getSimpleName() + ")");
                }
                layer.replace(e.getKey(), new QuantizedLinear(quantize(format, linear.weight(), model.manager()), linear.bias()));
                model.releaseWeight("model.layers." + layer.index() + "." + e.getKey() + ".weight");
            }
        }
        WeightFormat outer = outerFormat(format);
        BlockQuantizedWeight embedding = quantize(outer, model.embedTokens(), model.manager());
        model.holdEmbeddingQuantized(embedding, new QuantizedLinear(embedding, null));
        if (!model.config().tieWordEmbeddings) {
            NDArray head = model.weights().get("lm_head.weight");
            model.replaceHead(new QuantizedLinear(quantize(outer, head, model.manager()), null));
            model.releaseWeight("lm_head.weight");
        }
    }
}
