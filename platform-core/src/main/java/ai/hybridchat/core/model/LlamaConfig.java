package ai.hybridchat.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The subset of a Hugging Face {@code config.json} that defines a Llama-family decoder. Field
 * names follow Hugging Face so the file round-trips unchanged.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class LlamaConfig {
    static final Set<String> SUPPORTED = Set.of("LlamaForCausalLM", "Qwen2ForCausalLM", "MistralForCausalLM");

    @JsonProperty("architectures") public List<String> architectures = List.of("LlamaForCausalLM");
    @JsonProperty("model_type") public String modelType = "llama";
    @JsonProperty("hidden_size") public int hiddenSize;
    @JsonProperty("intermediate_size") public int intermediateSize;
    @JsonProperty("num_hidden_layers") public int numHiddenLayers;
    @JsonProperty("num_attention_heads") public int numAttentionHeads;
    @JsonProperty("num_key_value_heads") public Integer numKeyValueHeads;
    @JsonProperty("head_dim") public Integer headDim;
    @JsonProperty("vocab_size") public int vocabSize;
    @JsonProperty("max_position_embeddings") public int maxPositionEmbeddings = 2048;
    @JsonProperty("rms_norm_eps") public double rmsNormEps = 1e-5;
    @JsonProperty("rope_theta") public double ropeTheta = 10000.0;
    @JsonProperty("rope_scaling") public JsonNode ropeScaling;
    @JsonProperty("tie_word_embeddings") public boolean tieWordEmbeddings = false;
    @JsonProperty("attention_bias") public Boolean attentionBias;
    @JsonProperty("bos_token_id") public Integer bosTokenId;
    @JsonProperty("eos_token_id") public JsonNode eosTokenId;
    @JsonProperty("torch_dtype") public String torchDtype = "float32";
    @JsonProperty("hidden_act") public String hiddenAct = "silu";

    public int kvHeads() {
        return numKeyValueHeads == null ? numAttentionHeads : numKeyValueHeads;
    }

    public int headDim() {
        return headDim == null ? hiddenSize / numAttentionHeads : headDim;
    }

    public String architecture() {
        return architectures == null || architectures.isEmpty() ? "LlamaForCausalLM" : architectures.get(0);
    }

    /** Qwen2 puts biases on q, k and v; Llama may opt in with {@code attention_bias}. */
    public boolean qkvBias() {
        return attentionBias != null ? attentionBias : "Qwen2ForCausalLM".equals(architecture());
    }

    public static LlamaConfig read(Path modelDir) throws IOException {
        return read(modelDir, false);
    }

    /** As {@link #read(Path)}; with {@code sequenceClassifier} a {@code LlamaForSequenceClassification} is accepted too. */
    public static LlamaConfig read(Path modelDir, boolean sequenceClassifier) throws IOException {
        Path file = modelDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing " + file + " (a Hugging Face model folder needs config.json)");
        }
        LlamaConfig config;
        try {
            config = Json.MAPPER.readValue(file.toFile(), LlamaConfig.class);
        } catch (IOException e) {
            throw new ModelFormatException("cannot parse " + file + ": " + e.getMessage());
        }
        if (sequenceClassifier && "LlamaForSequenceClassification".equals(config.architecture())) {
            config.architectures = List.of("LlamaForCausalLM"); // the same decoder; the caller applies the score head
        }
        config.validate(file);
        return config;
    }

    void validate(Path file) {
        if (!SUPPORTED.contains(architecture())) {
            throw new ModelFormatException(file + ": unsupported architecture '" + architecture()
                    + "', expected one of " + SUPPORTED);
        }
        if (hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0 || vocabSize <= 0 || intermediateSize <= 0) {
            throw new ModelFormatException(file + ": hidden_size, intermediate_size, num_hidden_layers, "
                    + "num_attention_heads and vocab_size must be positive");
        }
        if (numAttentionHeads % kvHeads() != 0) {
            throw new ModelFormatException(file + ": num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + kvHeads());
        }
    }

    public void write(Path modelDir) throws IOException {
        ObjectNode node = Json.MAPPER.valueToTree(this);
        node.retain(node.properties().stream().filter(e -> !e.getValue().isNull()).map(java.util.Map.Entry::getKey).toList());
        Files.createDirectories(modelDir);
        AtomicFiles.writeString(modelDir.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** End-of-sequence ids: a number or a list in config.json. */
    public List<Integer> eosTokenIds() {
        if (eosTokenId == null || eosTokenId.isNull()) {
            return List.of();
        }
        if (eosTokenId.isArray()) {
            return java.util.stream.StreamSupport.stream(eosTokenId.spliterator(), false).map(JsonNode::asInt).toList();
        }
        return List.of(eosTokenId.asInt());
    }
}
