package ai.hybridchat.core.gguf;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ByteLevelBpeJson;
import ai.hybridchat.core.model.LlamaConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face byte-level BPE tokenizer ({@code tokenizer.json} with GPT-2's ByteLevel
 * pre-tokenizer) as GGUF's {@code tokenizer.ggml.*} keys ({@code model = gpt2}, {@code pre = gpt-2},
 * tokens, token types, merges, special token ids, chat template), and back.
 */
final class GgufTokenizer {
    static final int NORMAL = 1;
    static final int CONTROL = 3;

    private GgufTokenizer() {
    }

    static void write(GgufWriter w, Path dir, LlamaConfig config) throws IOException {
        JsonNode tok = Json.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
        JsonNode model = tok.path("model");
        if (!model.path("type").asText().equals("BPE") || !tok.path("pre_tokenizer").path("type").asText().equals("ByteLevel")) {
            throw new IllegalArgumentException("only byte-level BPE tokenizers (GPT-2's kind) are exported to GGUF here");
        }
        String[] tokens = new String[config.vocabSize];
        int[] types = new int[config.vocabSize];
        Arrays.fill(types, NORMAL);
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = e.getValue().asInt();
            if (id >= 0 && id < tokens.length) {
                tokens[id] = e.getKey();
            }
        }
        for (JsonNode added : tok.path("added_tokens")) {
            int id = added.path("id").asInt();
            if (id >= 0 && id < tokens.length) {
                tokens[id] = added.path("content").asText();
                types[id] = added.path("special").asBoolean(false) ? CONTROL : NORMAL;
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]"; // as convert_hf_to_gguf.py names ids the tokenizer leaves unused
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        w.string("tokenizer.ggml.model", "gpt2");
        w.string("tokenizer.ggml.pre", "gpt-2"); // llama.cpp's name for GPT-2's pre-tokenizer regex (llama-vocab.cpp)
        w.strings("tokenizer.ggml.tokens", Arrays.asList(tokens));
        w.int32s("tokenizer.ggml.token_type", types);
        w.strings("tokenizer.ggml.merges", merges);
        JsonNode cfg = Files.isRegularFile(dir.resolve("tokenizer_config.json"))
                ? Json.MAPPER.readTree(dir.resolve("tokenizer_config.json").toFile()) : Json.MAPPER.createObjectNode();
        List<String> vocab = Arrays.asList(tokens);
        int eos = vocab.indexOf(cfg.path("eos_token").asText(""));
        if (eos < 0 && !config.eosTokenIds().isEmpty()) {
            eos = config.eosTokenIds().get(0);
        }
        if (eos >= 0) {
            w.uint32("tokenizer.ggml.eos_token_id", eos);
        }
        int pad = vocab.indexOf(cfg.path("pad_token").asText(""));
        if (pad >= 0) {
            w.uint32("tokenizer.ggml.padding_token_id", pad);
        }
        int bos = vocab.indexOf(cfg.path("bos_token").asText(""));
        if (bos >= 0) {
            w.uint32("tokenizer.ggml.bos_token_id", bos);
        }
        w.bool("tokenizer.ggml.add_bos_token", false);
        if (cfg.hasNonNull("chat_template")) {
            w.string("tokenizer.chat_template", cfg.get("chat_template").asText());
        }
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} for the GGUF's tokenizer into {@code dir}. */
    @SuppressWarnings("unchecked")
    static void read(GgufFile file, Path dir) throws IOException {
        Map<String, Object> m = file.metadata();
        if (!"gpt2".equals(m.get("tokenizer.ggml.model"))) {
            throw new GgufFormatException("tokenizer.ggml.model " + m.get("tokenizer.ggml.model")
                    + " is not read here (byte-level BPE, 'gpt2', is)");
        }
        if (!(m.get("tokenizer.ggml.tokens") instanceof List<?> tokens) || !(m.get("tokenizer.ggml.merges") instanceof List<?> merges)) {
            throw new GgufFormatException("the tokenizer's tokens or merges are missing");
        }
        List<Object> types = m.get("tokenizer.ggml.token_type") instanceof List<?> t ? (List<Object>) t : List.of();
        List<String> vocab = new ArrayList<>();
        Map<Integer, String> specials = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = String.valueOf(tokens.get(i));
            vocab.add(token);
            if (i < types.size() && types.get(i) instanceof Long type && type == CONTROL) {
                specials.put(i, token);
            }
        }
        List<String> mergeList = new ArrayList<>();
        merges.forEach(x -> mergeList.add(String.valueOf(x)));
        ObjectNode json = ByteLevelBpeJson.of(vocab, mergeList, specials);
        Files.writeString(dir.resolve("tokenizer.json"), Json.MAPPER.writeValueAsString(json));

        ObjectNode cfg = Json.MAPPER.createObjectNode();
        cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
        token(cfg, "eos_token", m.get("tokenizer.ggml.eos_token_id"), tokens);
        token(cfg, "pad_token", m.get("tokenizer.ggml.padding_token_id"), tokens);
        token(cfg, "bos_token", m.get("tokenizer.ggml.bos_token_id"), tokens);
        if (m.get("tokenizer.chat_template") instanceof String template) {
            cfg.put("chat_template", template);
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.MAPPER.writeValueAsString(cfg));
    }

    private static void token(ObjectNode cfg, String key, Object id, List<?> tokens) {
        if (id instanceof Long i && i >= 0 && i < tokens.size()) {
            cfg.put(key, String.valueOf(tokens.get(i.intValue())));
        }
    }
}
