package ai.hybridchat.core.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's {@code tokenizer.json} through DJL's binding of Hugging Face tokenizers, plus the
 * special tokens named in {@code tokenizer_config.json}. Special tokens are added by the chat
 * template, never implicitly, so encoding is exactly what the template says; text from users and
 * documents never becomes a control token ({@link #encodeLiteral}, {@link #encodeRendered}).
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final JsonNode tokenizerConfig;
    private final ObjectNode tokenizerJson;
    private final ControlTokens controlTokens;
    private final long[] controlIds;
    private LiteralTokenizer literal;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, JsonNode tokenizerConfig, ObjectNode tokenizerJson) {
        this.tokenizer = tokenizer;
        this.tokenizerConfig = tokenizerConfig;
        this.tokenizerJson = tokenizerJson;
        List<String> specials = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (JsonNode t : tokenizerJson.path("added_tokens")) {
            if (t.path("special").asBoolean(false) && t.path("content").isTextual()) {
                specials.add(t.get("content").asText());
                ids.add(t.path("id").asLong());
            }
        }
        this.controlTokens = new ControlTokens(specials);
        this.controlIds = ids.stream().mapToLong(Long::longValue).toArray();
    }

    public static TextTokenizer load(Path modelDir) throws IOException {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing " + file + " (the model folder needs a Hugging Face tokenizer.json)");
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + file + ": " + e.getMessage());
        }
        if (!(json instanceof ObjectNode object)) {
            throw new ModelFormatException(file + " is not a JSON object");
        }
        HuggingFaceTokenizer hf = newTokenizer(bytes, file);
        Path configFile = modelDir.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? Json.MAPPER.readTree(configFile.toFile()) : Json.MAPPER.createObjectNode();
        return new TextTokenizer(hf, config, object);
    }

    private static HuggingFaceTokenizer newTokenizer(byte[] json, Object source) {
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("maxLength", "1000000");
        try (var in = new ByteArrayInputStream(json)) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("cannot load " + source + ": " + e.getMessage());
        }
    }

    /**
     * Hugging Face's own encoding: a control-token string in {@code text} becomes the control
     * token. For trusted text only (a prompt the operator wrote); text from users and documents
     * goes through {@link #encodeLiteral} or {@link #encodeRendered}.
     */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** Text as data: every control-token string in it is tokenized as the characters it is made of. */
    public long[] encodeLiteral(String text) {
        return literal().encode(ControlTokens.withoutNoncharacters(text));
    }

    /**
     * A chat prompt rendered from content marked by {@link ControlTokens#mark}: the control tokens
     * are exactly those the template emitted, the content is text (see {@link ControlTokens}).
     */
    public long[] encodeRendered(String renderedFromMarkedContent) {
        return literal().encode(controlTokens.sentinelForm(renderedFromMarkedContent));
    }

    /** The tokenizer's control tokens (added tokens marked special). */
    public ControlTokens controlTokens() {
        return controlTokens;
    }

    /** The ids of {@link #controlTokens()}, in the same order. */
    public long[] controlIds() {
        return controlIds.clone();
    }

    /*
     * The literal tokenizer is the same tokenizer.json with each special added token's text
     * replaced by its sentinel, flags (lstrip, rstrip, normalized) kept, so it splits a prompt at
     * exactly the template's control tokens and reads everything else as text. Its sentinel
     * tokens get fresh ids, mapped back to the real ones after encoding. Hugging Face tokenizers
     * has an encode_special_tokens switch, but neither tokenizer.json nor DJL's binding exposes
     * it, and it would turn the template's own control tokens into text as well.
     */
    private synchronized LiteralTokenizer literal() {
        if (literal == null) {
            ObjectNode copy = tokenizerJson.deepCopy();
            int index = 0;
            for (JsonNode t : copy.path("added_tokens")) {
                if (t.path("special").asBoolean(false) && t.path("content").isTextual()) {
                    ((ObjectNode) t).put("content", ControlTokens.sentinel(index++));
                }
            }
            HuggingFaceTokenizer hf;
            try {
                hf = newTokenizer(Json.MAPPER.writeValueAsBytes(copy), "the literal form of tokenizer.json");
            } catch (IOException e) {
                throw new ModelFormatException("cannot write the literal form of tokenizer.json: " + e.getMessage());
            }
            Map<Long, Long> toReal = new HashMap<>();
            for (int i = 0; i < controlIds.length; i++) {
                long[] ids = hf.encode(ControlTokens.sentinel(i), false, false).getIds();
                if (ids.length != 1) {
                    hf.close();
                    throw new ModelFormatException("tokenizer.json: control token " + controlTokens.tokens().get(i)
                            + " cannot be kept apart from text");
                }
                toReal.put(ids[0], controlIds[i]);
            }
            literal = new LiteralTokenizer(hf, toReal);
        }
        return literal;
    }

    private record LiteralTokenizer(HuggingFaceTokenizer tokenizer, Map<Long, Long> toReal) {
        long[] encode(String text) {
            long[] ids = tokenizer.encode(text, false, false).getIds();
            for (int i = 0; i < ids.length; i++) {
                Long real = toReal.get(ids[i]);
                if (real != null) {
                    ids[i] = real;
                }
            }
            return ids;
        }
    }

    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** Decodes keeping special tokens, for debugging and token-level output. */
    public String decodeRaw(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    /** The id of a single-token string such as {@code <|end|>}, or -1 if it is not one token. */
    public long tokenId(String token) {
        long[] ids = encode(token);
        return ids.length == 1 ? ids[0] : -1;
    }

    public JsonNode tokenizerConfig() {
        return tokenizerConfig;
    }

    /** A special token named in tokenizer_config.json ({@code bos_token}, {@code eos_token}), as text. */
    public String specialToken(String key) {
        JsonNode node = tokenizerConfig.path(key);
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject()) {
            return node.path("content").asText(null);
        }
        return null;
    }

    @Override
    public synchronized void close() {
        tokenizer.close();
        if (literal != null) {
            literal.tokenizer().close();
        }
    }
}
