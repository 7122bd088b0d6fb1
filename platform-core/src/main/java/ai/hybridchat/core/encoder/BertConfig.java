package ai.hybridchat.core.encoder;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The subset of a Hugging Face {@code config.json} that defines a BERT encoder ({@code BertModel}),
 * field names as Hugging Face spells them so the file round-trips.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class BertConfig {
    @JsonProperty("architectures") public List<String> architectures = List.of("BertModel");
    @JsonProperty("model_type") public String modelType = "bert";
    @JsonProperty("vocab_size") public int vocabSize;
    @JsonProperty("hidden_size") public int hiddenSize;
    @JsonProperty("num_hidden_layers") public int numHiddenLayers;
    @JsonProperty("num_attention_heads") public int numAttentionHeads;
    @JsonProperty("intermediate_size") public int intermediateSize;
    @JsonProperty("hidden_act") public String hiddenAct = "gelu";
    @JsonProperty("max_position_embeddings") public int maxPositionEmbeddings = 512;
    @JsonProperty("type_vocab_size") public int typeVocabSize = 2;
    @JsonProperty("layer_norm_eps") public double layerNormEps = 1e-12;
    @JsonProperty("pad_token_id") public int padTokenId = 0;
    @JsonProperty("position_embedding_type") public String positionEmbeddingType = "absolute";
    @JsonProperty("torch_dtype") public String torchDtype = "float32";

    public static BertConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing " + file);
        }
        return Json.MAPPER.readValue(file.toFile(), BertConfig.class).validated(file.toString());
    }

    public BertConfig validated(String where) {
        if (!modelType.equals("bert")) {
            throw new ModelFormatException(where + ": model_type " + modelType + " is not bert");
        }
        if (hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0 || vocabSize <= 0 || intermediateSize <= 0) {
            throw new ModelFormatException(where + ": hidden_size, num_hidden_layers, num_attention_heads, vocab_size and intermediate_size must be positive");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new ModelFormatException(where + ": hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (!hiddenAct.equals("gelu")) {
            throw new ModelFormatException(where + ": hidden_act " + hiddenAct + " (only gelu, BERT's, is supported)");
        }
        if (!positionEmbeddingType.equals("absolute")) {
            throw new ModelFormatException(where + ": position_embedding_type " + positionEmbeddingType + " (only absolute)");
        }
        return this;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), this);
    }
}
