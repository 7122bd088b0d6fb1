package ai.hybridchat.core.adapter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Prompt-tuning adapters (Lester et al., 2021) in PEFT's layout: {@code adapter_config.json} with
 * {@code peft_type: PROMPT_TUNING} and {@code adapter_model.safetensors} holding one tensor,
 * {@code prompt_embeddings [num_virtual_tokens, token_dim]}, as PEFT's
 * {@code get_peft_model_state_dict} writes it.
 */
public final class PeftPromptAdapter {
    public static final String KEY = "prompt_embeddings";

    private PeftPromptAdapter() {
    }

    /** Whether {@code dir}'s {@code adapter_config.json} is a prompt-tuning one. */
    public static boolean isPromptTuning(Path dir) throws IOException {
        Path file = dir.resolve("adapter_config.json");
        return Files.isRegularFile(file)
                && "PROMPT_TUNING".equalsIgnoreCase(Json.MAPPER.readTree(file.toFile()).path("peft_type").asText());
    }

    /** Reads the virtual tokens into {@code manager} and sets them on {@code model}. Returns their number. */
    public static int apply(Path dir, LlamaModel model, NDManager manager) throws IOException {
        JsonNode config = Json.MAPPER.readTree(dir.resolve("adapter_config.json").toFile());
        Path weightsFile = dir.resolve("adapter_model.safetensors");
        if (!Files.isRegularFile(weightsFile)) {
            throw new ModelFormatException("missing " + weightsFile);
        }
        Map<String, NDArray> tensors = Safetensors.read(weightsFile, manager);
        NDArray prompt = tensors.get(KEY);
        if (prompt == null || tensors.size() != 1) {
            throw new ModelFormatException(weightsFile + ": a prompt-tuning adapter holds exactly one tensor, "
                    + KEY + "; found " + tensors.keySet());
        }
        long n = config.path("num_virtual_tokens").asLong(-1);
        long dim = config.path("token_dim").asLong(-1);
        if (prompt.getShape().dimension() != 2 || prompt.getShape().get(0) != n || prompt.getShape().get(1) != dim
                || dim != model.config().hiddenSize) {
            throw new ModelFormatException(weightsFile + ": " + KEY + " has shape " + prompt.getShape() + " but the config says ["
                    + n + ", " + dim + "] and the base's hidden size is " + model.config().hiddenSize);
        }
        model.setVirtualPrompt(prompt);
        return (int) n;
    }

    /** Writes the adapter folder atomically (plus extra files by name). */
    public static void save(LlamaModel model, NDArray prompt, String initText, String baseName, Path dir,
                            Map<String, String> extraFiles) throws IOException {
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("peft_type", "PROMPT_TUNING");
        config.put("task_type", "CAUSAL_LM");
        config.put("num_virtual_tokens", prompt.getShape().get(0));
        config.put("token_dim", prompt.getShape().get(1));
        config.put("num_transformer_submodules", 1);
        config.put("num_attention_heads", model.config().numAttentionHeads);
        config.put("num_layers", model.config().numHiddenLayers);
        config.put("prompt_tuning_init", initText == null ? "RANDOM" : "TEXT");
        config.putPOJO("prompt_tuning_init_text", initText);
        config.put("tokenizer_name_or_path", baseName);
        config.put("base_model_name_or_path", baseName);
        config.put("inference_mode", true);
        PeftLoraAdapter.writeFolder(dir, Map.of(KEY, prompt), config, extraFiles);
    }
}
