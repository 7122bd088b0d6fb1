package ai.hybridchat.core.adapter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes LoRA adapters in Hugging Face PEFT's layout: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with keys such as
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}.
 */
public final class PeftLoraAdapter {
    public static final String PREFIX = "base_model.model.";

    private PeftLoraAdapter() {
    }

    public static LoraConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve("adapter_config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing " + file + " (a PEFT adapter folder needs adapter_config.json)");
        }
        LoraConfig config = Json.MAPPER.readValue(file.toFile(), LoraConfig.class);
        if (!"LORA".equalsIgnoreCase(config.peftType)) {
            throw new ModelFormatException(file + ": peft_type " + config.peftType + " is not LORA");
        }
        if (config.useDora) {
            throw new ModelFormatException(file + ": DoRA adapters are not supported");
        }
        return config;
    }

    /**
     * Wraps the targeted projections of {@code model} with the adapter's LoRA weights (loaded into
     * {@code manager}). Returns how many projections were wrapped.
     */
    public static int apply(Path dir, LlamaModel model, NDManager manager) throws IOException {
        LoraConfig config = readConfig(dir);
        Path weightsFile = dir.resolve("adapter_model.safetensors");
        if (!Files.isRegularFile(weightsFile)) {
            throw new ModelFormatException("missing " + weightsFile);
        }
        Map<String, NDArray> tensors = Safetensors.read(weightsFile, manager);
        int wrapped = 0;
        for (DecoderLayer layer : model.layers()) {
            for (String name : DecoderLayer.PROJECTIONS) {
                String key = PREFIX + "model.layers." + layer.index() + "." + name;
                NDArray a = tensors.remove(key + ".lora_A.weight");
                NDArray b = tensors.remove(key + ".lora_B.weight");
                if (a == null && b == null) {
                    continue;
                }
                if (a == null || b == null) {
                    throw new ModelFormatException(weightsFile + ": " + key + " has only one of lora_A and lora_B");
                }
                try {
                    layer.replace(name, new LoraLinear(layer.projection(name), a, b, config.scalingAlpha(), 0f));
                } catch (IllegalArgumentException e) {
                    throw new ModelFormatException(weightsFile + ": " + key + ": " + e.getMessage());
                }
                wrapped++;
            }
        }
        if (!tensors.isEmpty()) {
            throw new ModelFormatException(weightsFile + ": tensors that match no layer of the base model: "
                    + tensors.keySet().stream().limit(3).toList());
        }
        if (wrapped == 0) {
            throw new ModelFormatException(weightsFile + " holds no LoRA weights");
        }
        return wrapped;
    }

    /** Writes every {@link LoraLinear} of {@code model} as a PEFT adapter folder (plus extra files by name), atomically. */
    public static void save(LlamaModel model, LoraConfig config, Path dir, Map<String, String> extraFiles) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (DecoderLayer layer : model.layers()) {
            for (Map.Entry<String, Projection> e : layer.projections().entrySet()) {
                if (e.getValue() instanceof LoraLinear lora) {
                    String key = PREFIX + "model.layers." + layer.index() + "." + e.getKey();
                    tensors.put(key + ".lora_A.weight", lora.loraA());
                    tensors.put(key + ".lora_B.weight", lora.loraB());
                }
            }
        }
        if (tensors.isEmpty()) {
            throw new IllegalStateException("the model has no LoRA layers to save");
        }
        writeFolder(dir, tensors, config, extraFiles);
    }

    /**
     * Writes a PEFT adapter folder atomically: {@code adapter_model.safetensors}, the config as
     * {@code adapter_config.json} and any extra files, staged beside {@code dir} and swapped in.
     */
    static void writeFolder(Path dir, Map<String, NDArray> tensors, Object config, Map<String, String> extraFiles)
            throws IOException {
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Safetensors.write(staging.resolve("adapter_model.safetensors"), tensors, null, false);
            if (extraFiles != null) {
                for (Map.Entry<String, String> f : extraFiles.entrySet()) {
                    AtomicFiles.writeString(staging.resolve(f.getKey()), f.getValue());
                }
            }
            AtomicFiles.writeString(staging.resolve("adapter_config.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            AtomicFiles.publishDirectory(staging, dir);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    /**
     * Replaces every LoRA wrapper by its merged dense projection ({@code W + (alpha/r) B A}, a new
     * array: the base weight is not touched). The returned handle unmerges: it puts the wrappers
     * back and frees the merged weights, leaving the model exactly as before the merge.
     */
    public static Unmerge mergeInto(LlamaModel model) {
        Map<String, LoraLinear> wrapped = new LinkedHashMap<>();
        for (DecoderLayer layer : model.layers()) {
            for (String name : List.copyOf(layer.projections().keySet())) {
                if (layer.projection(name) instanceof LoraLinear lora) {
                    layer.replace(name, lora.merged());
                    wrapped.put(layer.index() + "/" + name, lora);
                }
            }
        }
        return () -> {
            for (Map.Entry<String, LoraLinear> e : wrapped.entrySet()) {
                int slash = e.getKey().indexOf('/');
                DecoderLayer layer = model.layers().get(Integer.parseInt(e.getKey().substring(0, slash)));
                String name = e.getKey().substring(slash + 1);
                if (layer.projection(name) instanceof Linear merged) {
                    merged.weight().close();
                }
                layer.replace(name, e.getValue());
            }
        };
    }

    /** Undoes a {@link #mergeInto}. */
    @FunctionalInterface
    public interface Unmerge {
        void unmerge();
    }
}
