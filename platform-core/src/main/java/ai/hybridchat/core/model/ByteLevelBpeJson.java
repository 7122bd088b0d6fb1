package ai.hybridchat.core.model;

import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} for a GPT-2-style byte-level BPE (ByteLevel pre-tokenizer,
 * post-processor and decoder, no normalizer), from its tokens in id order, its merges
 * ({@code "a b"}) and its special tokens: what {@code pretrain}'s trainer writes and what a GGUF
 * file's {@code tokenizer.ggml.*} keys are read back into.
 */
public final class ByteLevelBpeJson {
    private ByteLevelBpeJson() {
    }

    public static ObjectNode of(List<String> tokens, List<String> merges, Map<Integer, String> specialTokens) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (Map.Entry<Integer, String> special : specialTokens.entrySet()) {
            ObjectNode t = added.addObject();
            t.put("id", special.getKey());
            t.put("content", special.getValue());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        byteLevel(root.putObject("pre_tokenizer"), false, true);
        byteLevel(root.putObject("post_processor"), true, false);
        byteLevel(root.putObject("decoder"), true, true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        ArrayNode mergeList = model.putArray("merges");
        merges.forEach(mergeList::add);
        return root;
    }

    private static void byteLevel(ObjectNode node, boolean addPrefixSpace, boolean trimOffsets) {
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", true);
    }
}
