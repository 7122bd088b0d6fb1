package ai.hybridchat.core.gguf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.Safetensors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A GGUF file of a Llama model (F32, F16, Q8_0 or Q4_0 tensors) as a Hugging Face folder: the
 * {@code llama.*} keys as {@code config.json}, every tensor expanded to F32 under its Hugging Face
 * name in {@code model.safetensors} ({@code q_proj} and {@code k_proj} rows put back from ggml's
 * pair order), and the tokenizer as {@code tokenizer.json}. Quantized tensors are read at their
 * quantized values; {@code --weights int8|q4} quantizes again at load.
 */
public final class GgufImport {
    private GgufImport() {
    }

    public static LlamaConfig toHuggingFace(Path file, Path dir) throws IOException {
        GgufFile gguf = GgufFile.read(file);
        Object arch = gguf.metadata().get("general.architecture");
        if (!"llama".equals(arch)) {
            throw new GgufFormatException(file + ": general.architecture " + arch + " is not read here (llama is)");
        }
        LlamaConfig c = new LlamaConfig();
        c.hiddenSize = gguf.size("llama.embedding_length");
        c.numHiddenLayers = gguf.size("llama.block_count");
        c.intermediateSize = gguf.size("llama.feed_forward_length");
        c.numAttentionHeads = gguf.size("llama.attention.head_count");
        c.numKeyValueHeads = gguf.metadata().containsKey("llama.attention.head_count_kv")
                ? gguf.size("llama.attention.head_count_kv") : c.numAttentionHeads;
        c.maxPositionEmbeddings = gguf.size("llama.context_length");
        c.ropeTheta = gguf.metadata().get("llama.rope.freq_base") instanceof Double d ? d : 10000.0;
        c.rmsNormEps = gguf.metadata().get("llama.attention.layer_norm_rms_epsilon") instanceof Double d ? d : 1e-5;
        Map<String, GgufFile.TensorInfo> tensors = gguf.tensors();
        GgufFile.TensorInfo embedding = require(tensors, "token_embd.weight");
        c.vocabSize = (int) embedding.shape()[0];
        c.tieWordEmbeddings = !tensors.containsKey("output.weight");
        if (gguf.metadata().get("tokenizer.ggml.eos_token_id") instanceof Long eos) {
            c.eosTokenId = Json.MAPPER.getNodeFactory().numberNode(eos.intValue());
        }
        if (c.hiddenSize < 1 || c.numHiddenLayers < 1 || c.intermediateSize < 1 || c.numAttentionHeads < 1
                || c.numKeyValueHeads < 1 || c.maxPositionEmbeddings < 1 || c.vocabSize < 1) {
            throw new GgufFormatException(file + ": a llama.* size is zero or negative");
        }
        if (c.hiddenSize % c.numAttentionHeads != 0 || c.numAttentionHeads % c.numKeyValueHeads != 0) {
            throw new GgufFormatException(file + ": " + c.numAttentionHeads + " heads, " + c.numKeyValueHeads
                    + " key-value heads and width " + c.hiddenSize + " do not divide");
        }
        Files.createDirectories(dir);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            put(out, manager, gguf, tensors, "token_embd.weight", "model.embed_tokens.weight", 0);
            put(out, manager, gguf, tensors, "output_norm.weight", "model.norm.weight", 0);
            if (!c.tieWordEmbeddings) {
                put(out, manager, gguf, tensors, "output.weight", "lm_head.weight", 0);
            }
            for (int i = 0; i < c.numHiddenLayers; i++) {
                String b = "blk." + i + ".";
                String p = "model.layers." + i + ".";
                put(out, manager, gguf, tensors, b + "attn_norm.weight", p + "input_layernorm.weight", 0);
                put(out, manager, gguf, tensors, b + "attn_q.weight", p + "self_attn.q_proj.weight", c.numAttentionHeads);
                put(out, manager, gguf, tensors, b + "attn_k.weight", p + "self_attn.k_proj.weight", c.kvHeads());
                put(out, manager, gguf, tensors, b + "attn_v.weight", p + "self_attn.v_proj.weight", 0);
                put(out, manager, gguf, tensors, b + "attn_output.weight", p + "self_attn.o_proj.weight", 0);
                put(out, manager, gguf, tensors, b + "ffn_norm.weight", p + "post_attention_layernorm.weight", 0);
                put(out, manager, gguf, tensors, b + "ffn_gate.weight", p + "mlp.gate_proj.weight", 0);
                put(out, manager, gguf, tensors, b + "ffn_up.weight", p + "mlp.up_proj.weight", 0);
                put(out, manager, gguf, tensors, b + "ffn_down.weight", p + "mlp.down_proj.weight", 0);
            }
            Safetensors.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"), false);
        }
        c.write(dir);
        GgufTokenizer.read(gguf, dir);
        ObjectNode generation = Json.MAPPER.createObjectNode();
        if (c.eosTokenId != null) {
            generation.set("eos_token_id", c.eosTokenId);
        }
        Files.writeString(dir.resolve("generation_config.json"), Json.MAPPER.writeValueAsString(generation));
        return c;
    }

    private static GgufFile.TensorInfo require(Map<String, GgufFile.TensorInfo> tensors, String name) {
        GgufFile.TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException("tensor " + name + " is missing");
        }
        return t;
    }

    /** One tensor, expanded, and for q/k ({@code heads > 0}) with its rows put back in Hugging Face's order. */
    private static void put(Map<String, NDArray> out, NDManager manager, GgufFile gguf, Map<String, GgufFile.TensorInfo> tensors,
                            String name, String hfName, int heads) {
        GgufFile.TensorInfo t = require(tensors, name);
        float[] v = gguf.floats(t);
        if (heads > 0) {
            int rows = (int) t.shape()[0];
            int cols = (int) t.shape()[1];
            int headDim = rows / heads;
            int half = headDim / 2;
            float[] back = new float[v.length];
            for (int h = 0; h < heads; h++) {
                for (int j = 0; j < 2; j++) {
                    for (int i = 0; i < half; i++) {
                        System.arraycopy(v, (h * headDim + 2 * i + j) * cols, back, (h * headDim + j * half + i) * cols, cols);
                    }
                }
            }
            v = back;
        }
        out.put(hfName, manager.create(v, new Shape(t.shape())));
    }

    /** Whether {@code path} names a GGUF file (by its magic, not its name). */
    public static boolean isGguf(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (var in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

}
