package ai.hybridchat.core.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.QuantizedWeight;
import java.util.Locale;
import java.util.Map;

/**
 * Puts a loaded model's frozen base in QLoRA's form: every decoder projection quantized (NF4 or
 * int8), the embedding (and a tied head) held in 16 bits, norms as they are. The model still runs
 * forward and backward; only adapters added afterwards can train.
 */
public final class ModelQuantizer {
    public enum Scheme {
        NF4, INT8;

        public static Scheme parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown quantization '" + name + "' (choose nf4 or int8)");
            }
        }
    }

    /** Memory held by the base before and after. */
    public record Report(Scheme scheme, long f32Bytes, long heldBytes) {
        public double fraction() {
            return (double) heldBytes / f32Bytes;
        }
    }

    private ModelQuantizer() {
    }

    public static Report quantize(LlamaModel model, Scheme scheme) {
        long f32 = model.parameterCount() * 4;
        for (DecoderLayer layer : model.layers()) {
            for (Map.Entry<String, Projection> e : Map.copyOf(layer.projections()).entrySet()) {
                if (!(e.getValue() instanceof Linear linear)) {
                    throw new IllegalStateException("quantize the base before adding adapters (" + e.getKey() + " is "
                            + e.getValue().getClass().getSimpleName() + ")");
                }
                String key = "model.layers." + layer.index() + "." + e.getKey();
                QuantizedWeight q = scheme == Scheme.NF4 ? Nf4Weight.quantize(linear.weight(), model.manager())
                        : Int8Weight.quantize(linear.weight(), model.manager());
                layer.replace(e.getKey(), new QuantizedLinear(q, linear.bias()));
                model.releaseWeight(key + ".weight");
            }
        }
        // QLoRA keeps these in BF16; DJL 0.36 aborts the process converting to BF16, and FP16 holds
        // embedding values just as well in the same two bytes
        model.holdEmbeddingAs(DataType.FLOAT16);
        return new Report(scheme, f32, heldBytes(model));
    }

    /** Bytes of every tensor the model holds, quantized projections by their codes and scales. */
    public static long heldBytes(LlamaModel model) {
        long bytes = 0;
        for (NDArray a : model.weights().values()) {
            bytes += a.getShape().size() * a.getDataType().getNumOfBytes();
        }
        for (DecoderLayer layer : model.layers()) {
            for (Projection p : layer.projections().values()) {
                Projection base = p instanceof LoraLinear lora ? lora.base() : p;
                if (base instanceof QuantizedLinear q) {
                    bytes += q.quantized().bytes();
                }
            }
        }
        if (model.quantizedEmbedding() != null) {
            bytes += model.quantizedEmbedding().bytes();
        }
        if (!model.config().tieWordEmbeddings && model.lmHead() instanceof QuantizedLinear head) {
            bytes += head.quantized().bytes();
        }
        return bytes;
    }
}
