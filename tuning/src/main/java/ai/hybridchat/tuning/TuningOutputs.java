package ai.hybridchat.tuning;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaModel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** How tuning methods write what they trained: a PEFT LoRA adapter, or a whole Hugging Face model folder. */
public final class TuningOutputs {
    private TuningOutputs() {
    }

    /** The model's LoRA layers as a PEFT adapter in {@code o.out()}, with {@code meta} as {@code training.json}. */
    public static void writeLoraAdapter(LlamaModel model, TuneOptions o, Map<String, Object> meta) throws IOException {
        LoraConfig config = new LoraConfig();
        config.r = o.rank();
        config.loraAlpha = o.alpha();
        config.loraDropout = o.dropout();
        config.targetModules = o.targetModules();
        config.baseModelNameOrPath = o.base().toString();
        PeftLoraAdapter.save(model, config, o.out(), Map.of("training.json", TuningMetadata.json(meta)));
    }

    /**
     * Writes the model as a complete Hugging Face folder, atomically: its tensors plus
     * {@code extraTensors}, the base's tokenizer files, {@code training.json}, and
     * {@code config.json} with {@code configPatch} (nullable) merged in.
     */
    public static void writeModelFolder(LlamaModel model, TuneOptions o, Map<String, Object> meta, Map<String, NDArray> extraTensors,
                                        ObjectNode configPatch) throws IOException {
        Path staging = AtomicFiles.stagingFor(o.out());
        try {
            model.save(staging, extraTensors);
            if (configPatch != null) {
                ObjectNode config = (ObjectNode) Json.MAPPER.readTree(staging.resolve("config.json").toFile());
                config.setAll(configPatch);
                AtomicFiles.writeString(staging.resolve("config.json"),
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            }
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
                if (Files.isRegularFile(o.base().resolve(f))) {
                    Files.copy(o.base().resolve(f), staging.resolve(f));
                }
            }
            AtomicFiles.writeString(staging.resolve("training.json"), TuningMetadata.json(meta));
            AtomicFiles.publishDirectory(staging, o.out());
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }
}
