package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA on a {@link BertSequenceClassifier}, in PEFT's layout for {@code task_type: SEQ_CLS}: the
 * targeted projections of every encoder layer ({@code query}, {@code value} by default, matched
 * on the end of the module name as PEFT matches them) carry {@code lora_A}/{@code lora_B} under
 * {@code base_model.model.bert.encoder.layer.N...}, and the head, which trains in full, is saved as
 * PEFT saves {@code modules_to_save}: {@code base_model.model.classifier.*} and
 * {@code base_model.model.bert.pooler.dense.*}.
 */
public final class EncoderLoraAdapter {
    static final String ENCODER_PREFIX = PeftLoraAdapter.PREFIX + "bert.";
    /** The head modules that train in full and are saved whole (PEFT's {@code modules_to_save}). */
    public static final List<String> MODULES_TO_SAVE = List.of("classifier", "pooler");

    private EncoderLoraAdapter() {
    }

    /** Wraps the targeted projections in fresh adapters, initialised as PEFT does (A Kaiming-uniform, B zero). */
    public static List<LoraLinear> inject(BertModel model, List<String> targets, int rank, double alpha, float dropout, long seed,
                                          NDManager manager) {
        Random random = new Random(seed);
        List<LoraLinear> added = new ArrayList<>();
        for (EncoderLayer layer : model.layers()) {
            for (String name : EncoderLayer.PROJECTIONS) {
                if (targeted(name, targets)) {
                    LoraLinear lora = LoraLinear.initialised(layer.projection(name), rank, alpha, dropout, random, manager);
                    layer.replace(name, lora);
                    added.add(lora);
                }
            }
        }
        if (added.isEmpty()) {
            throw new IllegalArgumentException("no projection of the encoder matches target modules " + targets
                    + " (choose from query, key, value, dense)");
        }
        return added;
    }

    /** PEFT's rule: a target names a module when it is the module's full name or its last part. */
    static boolean targeted(String projection, List<String> targets) {
        return targets.stream().anyMatch(t -> projection.equals(t) || projection.endsWith("." + t));
    }

    /** Writes the adapter folder atomically: config, tensors, and {@code extraFiles} (name to text) beside them. */
    public static void save(BertSequenceClassifier classifier, LoraConfig config, Path dir, Map<String, byte[]> extraFiles)
            throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (EncoderLayer layer : classifier.encoder().layers()) {
            for (String name : EncoderLayer.PROJECTIONS) {
                if (layer.projection(name) instanceof LoraLinear lora) {
                    String key = ENCODER_PREFIX + "encoder.layer." + layer.index() + "." + name;
                    tensors.put(key + ".lora_A.weight", lora.loraA());
                    tensors.put(key + ".lora_B.weight", lora.loraB());
                }
            }
        }
        classifier.headTensors().forEach((name, w) -> tensors.put(PeftLoraAdapter.PREFIX + name, w));
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Files.createDirectories(staging);
            config.taskType = "SEQ_CLS";
            config.modulesToSave = MODULES_TO_SAVE;
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(staging.resolve("adapter_config.json").toFile(), config);
            Safetensors.write(staging.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"), false);
            for (Map.Entry<String, byte[]> f : extraFiles.entrySet()) {
                Files.write(staging.resolve(f.getKey()), f.getValue());
            }
            AtomicFiles.publishDirectory(staging, dir);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    /**
     * The classifier an adapter folder describes on {@code encoder} (its projections wrapped in
     * place, dropout off): the LoRA weights on the targeted projections and the saved head.
     */
    public static BertSequenceClassifier load(BertModel encoder, Path dir) throws IOException {
        LoraConfig config = PeftLoraAdapter.readConfig(dir);
        Map<String, NDArray> tensors = Safetensors.read(dir.resolve("adapter_model.safetensors"), encoder.manager());
        int wrapped = 0;
        for (EncoderLayer layer : encoder.layers()) {
            for (String name : EncoderLayer.PROJECTIONS) {
                String key = ENCODER_PREFIX + "encoder.layer." + layer.index() + "." + name;
                NDArray a = tensors.get(key + ".lora_A.weight");
                NDArray b = tensors.get(key + ".lora_B.weight");
                if (a == null && b == null) {
                    continue;
                }
                if (a == null || b == null) {
                    throw new ModelFormatException(dir + ": " + key + " has only one of lora_A and lora_B");
                }
                Projection base = layer.projection(name);
                layer.replace(name, new LoraLinear(base, f32(a), f32(b), config.scalingAlpha(), 0f));
                wrapped++;
            }
        }
        if (wrapped == 0) {
            throw new ModelFormatException(dir + ": no LoRA weights for this encoder's layers (expected names like "
                    + ENCODER_PREFIX + "encoder.layer.0.attention.self.query.lora_A.weight)");
        }
        NDArray[] head = new NDArray[4];
        String[] names = {"bert." + BertSequenceClassifier.POOLER_WEIGHT, "bert." + BertSequenceClassifier.POOLER_BIAS,
                BertSequenceClassifier.CLASSIFIER_WEIGHT, BertSequenceClassifier.CLASSIFIER_BIAS};
        for (int i = 0; i < names.length; i++) {
            head[i] = tensors.get(PeftLoraAdapter.PREFIX + names[i]);
            if (head[i] == null) {
                throw new ModelFormatException(dir + ": a classifier adapter needs " + PeftLoraAdapter.PREFIX + names[i]
                        + " (modules_to_save " + MODULES_TO_SAVE + ")");
            }
            head[i] = f32(head[i]);
        }
        return BertSequenceClassifier.of(encoder, head[0], head[1], head[2], head[3]);
    }

    private static NDArray f32(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }
}
