package ai.hybridchat.core.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A model's {@code tokenizer.json} through DJL's binding of Hugging Face tokenizers, plus the
 * special tokens named in {@code tokenizer_config.json}. Special tokens are added by the chat
 * template, never implicitly, so encoding is exactly what the template says.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final JsonNode tokenizerConfig;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, JsonNode tokenizerConfig) {
        this.tokenizer = tokenizer;
        this.tokenizerConfig = tokenizerConfig;
    }

    public static TextTokenizer load(Path modelDir) throws IOException {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing " + file + " (the model folder needs a Hugging Face tokenizer.json)");
        }
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("maxLength", "1000000");
        HuggingFaceTokenizer hf;
        try (var in = Files.newInputStream(file)) {
            hf = HuggingFaceTokenizer.newInstance(in, options);
        } catch (RuntimeException e) {
            throw new ModelFormatException("cannot load " + file + ": " + e.getMessage());
        }
        Path configFile = modelDir.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(configFile) ? Json.MAPPER.readTree(configFile.toFile()) : Json.MAPPER.createObjectNode();
        return new TextTokenizer(hf, config);
    }

    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
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
    public void close() {
        tokenizer.close();
    }
}
