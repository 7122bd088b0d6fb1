package ai.hybridchat.core.model;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

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
    @JsonProperty("mlp_bias") public Boolean mlpBias;
    @JsonProperty("sliding_window") public Integer slidingWindow;
    @JsonProperty("use_sliding_window") public Boolean useSlidingWindow;
    /** transformers v5 keeps rope_theta and the scaling here. */
    @JsonProperty("rope_parameters") public JsonNode ropeParameters;

    /**
     * How many tokens the model may attend over. With a sliding window shorter than the positions
     * (Mistral v0.1: 4096 of 32768), a sequence no longer than the window attends exactly as the
     * full attention this runtime computes, so the context is bounded by the window instead.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public int contextLength() {
        boolean windowed = slidingWindow != null && slidingWindow > 0 && !Boolean.FALSE.equals(useSlidingWindow);
        return windowed ? Math.min(maxPositionEmbeddings, slidingWindow) : maxPositionEmbeddings;
    }

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
        JsonNode raw;
        try {
            raw = Json.MAPPER.readTree(file.toFile());
            config = Json.MAPPER.treeToValue(raw, LlamaConfig.class);
        } catch (IOException e) {
            throw new ModelFormatException("cannot parse " + file + ": " + e.getMessage());
        }
        if (config.ropeParameters != null && config.ropeParameters.isObject()) {
            if (!raw.has("rope_theta") && config.ropeParameters.path("rope_theta").isNumber()) {
                config.ropeTheta = config.ropeParameters.path("rope_theta").asDouble();
            }
            String type = config.ropeParameters.path("rope_type").asText("default");
            if (config.ropeScaling == null && !type.equals("default")) {
                config.ropeScaling = config.ropeParameters;
            }
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
        if (hiddenAct != null && !hiddenAct.equals("silu") && !hiddenAct.equals("swish")) {
            throw new ModelFormatException(file + ": hidden_act '" + hiddenAct + "' is not supported (only silu)");
        }
        if (Boolean.TRUE.equals(mlpBias)) {
            throw new ModelFormatException(file + ": mlp_bias true is not supported (the MLP here has no biases)");
        }
        if (ropeScaling != null && ropeScaling.isObject()) {
            String type = ropeScaling.path("rope_type").asText(ropeScaling.path("type").asText("default"));
            if (!Set.of("default", "llama3", "linear").contains(type)) {
                throw new ModelFormatException(file + ": rope_scaling type '" + type + "' is not supported (default, llama3, linear)");
            }
        }
        if (numAttentionHeads % kvHeads() != 0) {
            throw new ModelFormatException(file + ": num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + kvHeads());
        }
    }

    public void write(Path modelDir) throws IOException {
        ObjectNode node = Json.MAPPER.valueToTree(this);
        node.retain(node.properties().stream().filter(e -> !e.getValue().isNull()).map(Map.Entry::getKey).toList());
        Files.createDirectories(modelDir);
        AtomicFiles.writeString(modelDir.resolve("config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** End-of-sequence ids: a number or a list in config.json. */
    public List<Integer> eosTokenIds() {
        if (eosTokenId == null || eosTokenId.isNull()) {
            return List.of();
        }
        if (eosTokenId.isArray()) {
            return StreamSupport.stream(eosTokenId.spliterator(), false).map(JsonNode::asInt).toList();
        }
        return List.of(eosTokenId.asInt());
    }
}
