package ai.hybridchat.core.gguf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.io.Half;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.quant.BlockQuantizedWeight;
import ai.hybridchat.core.quant.Q4Weight;
import ai.hybridchat.core.quant.Q8Weight;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Llama model (its weights as they are now: an adapter merged first) written as a GGUF file that
 * llama.cpp and Ollama load: {@code general.architecture = llama} and its {@code llama.*} keys,
 * the tokenizer as {@code tokenizer.ggml.*} (byte-level BPE, GPT-2's pre-tokenizer), the chat
 * template, and the tensors under GGUF's names ({@code token_embd}, {@code blk.N.attn_q}, ...).
 * As llama.cpp's {@code convert_hf_to_gguf.py} does, the rows of {@code q_proj} and {@code k_proj}
 * are permuted within each head, because ggml's llama rotates adjacent pairs of a head where
 * Hugging Face rotates its two halves. Norms stay F32; a 4-bit file keeps the embedding in Q8_0,
 * as {@code --weights q4} does.
 */
public final class GgufExport {
    private GgufExport() {
    }

    public static void write(LlamaModel model, Path tokenizerDir, String name, GgmlType type, Path out) throws IOException {
        LlamaConfig c = model.config();
        if (c.qkvBias() || !"llama".equals(c.modelType)) {
            throw new IllegalArgumentException("only Llama models (no q/k/v bias) are exported to GGUF here, got " + c.modelType);
        }
        if (c.ropeScaling != null && !c.ropeScaling.isNull()) {
            throw new IllegalArgumentException("rope_scaling is not exported to GGUF here");
        }
        GgufWriter w = new GgufWriter();
        w.string("general.architecture", "llama");
        w.string("general.name", name);
        w.uint32("general.file_type", switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
        });
        w.uint32("llama.context_length", c.contextLength());
        w.uint32("llama.embedding_length", c.hiddenSize);
        w.uint32("llama.block_count", c.numHiddenLayers);
        w.uint32("llama.feed_forward_length", c.intermediateSize);
        w.uint32("llama.attention.head_count", c.numAttentionHeads);
        w.uint32("llama.attention.head_count_kv", c.kvHeads());
        w.uint32("llama.attention.key_length", c.headDim());
        w.uint32("llama.attention.value_length", c.headDim());
        w.uint32("llama.rope.dimension_count", c.headDim());
        w.float32("llama.rope.freq_base", (float) c.ropeTheta);
        w.float32("llama.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps);
        w.uint32("llama.vocab_size", c.vocabSize);
        GgufTokenizer.write(w, tokenizerDir, c);

        Map<String, NDArray> weights = model.exportWeights();
        try (NDManager scratch = model.manager().newSubManager()) {
            w.tensor(encode("token_embd.weight", weights.get("model.embed_tokens.weight"), type == GgmlType.Q4_0 ? GgmlType.Q8_0 : type, scratch));
            w.tensor(encode("output_norm.weight", weights.get("model.norm.weight"), GgmlType.F32, scratch));
            if (!c.tieWordEmbeddings) {
                w.tensor(encode("output.weight", weights.get("lm_head.weight"), type == GgmlType.Q4_0 ? GgmlType.Q8_0 : type, scratch));
            }
            for (int i = 0; i < c.numHiddenLayers; i++) {
                String p = "model.layers." + i + ".";
                String b = "blk." + i + ".";
                w.tensor(encode(b + "attn_norm.weight", weights.get(p + "input_layernorm.weight"), GgmlType.F32, scratch));
                w.tensor(encode(b + "attn_q.weight", permuted(weights.get(p + "self_attn.q_proj.weight"), c.numAttentionHeads, scratch), type, scratch));
                w.tensor(encode(b + "attn_k.weight", permuted(weights.get(p + "self_attn.k_proj.weight"), c.kvHeads(), scratch), type, scratch));
                w.tensor(encode(b + "attn_v.weight", weights.get(p + "self_attn.v_proj.weight"), type, scratch));
                w.tensor(encode(b + "attn_output.weight", weights.get(p + "self_attn.o_proj.weight"), type, scratch));
                w.tensor(encode(b + "ffn_norm.weight", weights.get(p + "post_attention_layernorm.weight"), GgmlType.F32, scratch));
                w.tensor(encode(b + "ffn_gate.weight", weights.get(p + "mlp.gate_proj.weight"), type, scratch));
                w.tensor(encode(b + "ffn_up.weight", weights.get(p + "mlp.up_proj.weight"), type, scratch));
                w.tensor(encode(b + "ffn_down.weight", weights.get(p + "mlp.down_proj.weight"), type, scratch));
            }
        }
        w.write(out);
    }

    /**
     * {@code convert_hf_to_gguf.py}'s {@code permute}: within each head, row {@code j * half + i}
     * (half {@code j} of the rotate-half layout) moves to row {@code 2 i + j} (adjacent pairs).
     */
    static NDArray permuted(NDArray weight, int heads, NDManager manager) {
        int rows = (int) weight.getShape().get(0);
        int cols = (int) weight.getShape().get(1);
        float[] from = weight.toType(DataType.FLOAT32, false).toFloatArray();
        float[] to = new float[from.length];
        int headDim = rows / heads;
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    System.arraycopy(from, (h * headDim + j * half + i) * cols, to, (h * headDim + 2 * i + j) * cols, cols);
                }
            }
        }
        return manager.create(to, weight.getShape());
    }

    private static GgufWriter.Tensor encode(String name, NDArray weight, GgmlType type, NDManager scratch) {
        if (weight == null) {
            throw new IllegalStateException("the model holds no tensor for " + name);
        }
        long[] shape = weight.getShape().getShape();
        GgmlType t = shape.length == 1 ? GgmlType.F32 : type;
        NDArray f32 = weight.toType(DataType.FLOAT32, true);
        f32.attach(scratch); // a copy, freed with the scratch
        byte[] data = switch (t) {
            case F32 -> {
                ByteBuffer b = ByteBuffer.allocate((int) (f32.size() * 4)).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(f32.toFloatArray());
                yield b.array();
            }
            case F16 -> {
                float[] v = f32.toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : v) {
                    b.putShort(Half.fromFloat(x));
                }
                yield b.array();
            }
            case Q8_0 -> blocks(Q8Weight.quantize(f32, scratch), 32);
            case Q4_0 -> blocks(Q4Weight.quantize(f32, scratch), 16);
        };
        return new GgufWriter.Tensor(name, shape, t, data);
    }

    /** ggml's block layout: each block's scale as F16, then its {@code codeBytes} of codes. */
    private static byte[] blocks(BlockQuantizedWeight q, int codeBytes) {
        byte[] codes = q.codes().toByteArray();
        float[] scales = q.scales().toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(scales.length * (2 + codeBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (int blk = 0; blk < scales.length; blk++) {
            b.putShort(Half.fromFloat(scales[blk]));
            b.put(codes, blk * codeBytes, codeBytes);
        }
        q.close();
        return b.array();
    }
}
