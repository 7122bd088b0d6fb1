package ai.hybridchat.core.local;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.adapter.PeftPromptAdapter;
import ai.hybridchat.core.decode.FastDecoder;
import ai.hybridchat.core.decode.VectorSupport;
import ai.hybridchat.core.gguf.GgufImport;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.LogitsProcessor;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.PromptEncoder;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.quant.InferenceQuantizer;
import ai.hybridchat.core.quant.WeightFormat;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A model folder made usable: weights, tokenizer, chat template, end-of-sequence ids and the
 * generation defaults of {@code generation_config.json}. An adapter variant shares the base
 * weights (no second copy in memory), so a server can answer with and without the adapter at once.
 */
public final class LocalLanguageModel implements AutoCloseable {
    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final PromptEncoder prompts;
    private final Set<Long> eosIds;
    private final GenerationConfig defaults;
    private final String name;
    private final String adapterName;
    private final Path modelDir;
    private final NDManager ownedRoot;

    private LocalLanguageModel(LlamaModel model, TextTokenizer tokenizer, PromptEncoder prompts, Set<Long> eosIds,
                               GenerationConfig defaults, String name, String adapterName, Path modelDir, NDManager ownedRoot) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.prompts = prompts;
        this.eosIds = eosIds;
        this.defaults = defaults;
        this.name = name;
        this.adapterName = adapterName;
        this.modelDir = modelDir;
        this.ownedRoot = ownedRoot;
    }

    public static LocalLanguageModel load(Path modelDir) throws IOException {
        return load(modelDir, WeightFormat.F32);
    }

    /**
     * Loads the model in {@code modelDir} and holds its weights in {@code weights}: F32 as stored
     * (BF16 and F16 files are widened), or quantized at load ({@code int8}, {@code q4}), which
     * decodes on the vector-API path and so needs the JVM started with
     * {@code --add-modules jdk.incubator.vector} (the {@code platform} launcher does).
     */
    public static LocalLanguageModel load(Path modelDir, WeightFormat weights) throws IOException {
        if (GgufImport.isGguf(modelDir)) {
            // a GGUF file: read as a Hugging Face folder in a temporary place, which the load no longer needs after
            Path folder = Files.createTempDirectory("gguf-");
            try {
                GgufImport.toHuggingFace(modelDir, folder.resolve(stem(modelDir)));
                return load(folder.resolve(stem(modelDir)), weights);
            } finally {
                AtomicFiles.deleteRecursively(folder);
            }
        }
        if (!Files.isDirectory(modelDir)) {
            throw new ModelFormatException("model folder not found: " + modelDir);
        }
        if (weights != WeightFormat.F32 && !VectorSupport.available()) {
            throw new IllegalStateException("--weights " + weights.cliName() + " decodes on the JDK's vector API: start the JVM "
                    + "with --add-modules jdk.incubator.vector (the platform launcher does), or use --weights f32");
        }
        NDManager root = NDManager.newBaseManager();
        try {
            LlamaModel model = LlamaModel.load(modelDir, root);
            if (weights != WeightFormat.F32) {
                InferenceQuantizer.quantize(model, weights);
                // DJL backs tensors read from a file with direct buffers that only a collection frees:
                // without one, the released F32 weights stay resident beside their quantized form
                System.gc();
            }
            // token ids in and out need no tokenizer: a folder without tokenizer.json still generates
            TextTokenizer tokenizer = Files.isRegularFile(modelDir.resolve("tokenizer.json")) ? TextTokenizer.load(modelDir) : null;
            PromptEncoder prompts = tokenizer != null && tokenizer.tokenizerConfig().hasNonNull("chat_template")
                    ? PromptEncoder.of(tokenizer) : null;
            JsonNode gen = readGenerationConfig(modelDir);
            Set<Long> eos = new LinkedHashSet<>();
            model.config().eosTokenIds().forEach(id -> eos.add(id.longValue()));
            JsonNode genEos = gen.path("eos_token_id");
            if (genEos.isArray()) {
                genEos.forEach(n -> eos.add(n.asLong()));
            } else if (genEos.isNumber()) {
                eos.add(genEos.asLong());
            }
            String eosToken = tokenizer == null ? null : tokenizer.specialToken("eos_token");
            if (eosToken != null && tokenizer.tokenId(eosToken) >= 0) {
                eos.add(tokenizer.tokenId(eosToken));
            }
            GenerationConfig defaults = new GenerationConfig(
                    gen.path("max_new_tokens").asInt(128),
                    gen.path("do_sample").asBoolean(false) ? gen.path("temperature").asDouble(1.0) : 0.0,
                    gen.path("top_k").asInt(0),
                    gen.path("top_p").asDouble(1.0),
                    gen.path("repetition_penalty").asDouble(1.0),
                    0, List.of());
            String name = modelDir.toAbsolutePath().normalize().getFileName().toString();
            return new LocalLanguageModel(model, tokenizer, prompts, eos, defaults, name, null, modelDir, root);
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** The model's name from a file's name: {@code smol.q8_0.gguf} is {@code smol.q8_0}. */
    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    private static JsonNode readGenerationConfig(Path modelDir) throws IOException {
        Path file = modelDir.resolve("generation_config.json");
        return Files.isRegularFile(file) ? Json.MAPPER.readTree(file.toFile()) : Json.MAPPER.createObjectNode();
    }

    /** The same base with a PEFT adapter (LoRA or prompt tuning) applied; base weights are shared, not copied. */
    public LocalLanguageModel withAdapter(Path adapterDir) throws IOException {
        if (!Files.isDirectory(adapterDir)) {
            throw new ModelFormatException("adapter folder not found: " + adapterDir);
        }
        NDManager manager = model.manager().newSubManager();
        try {
            LlamaModel adapted = model.sharing(manager);
            if (PeftPromptAdapter.isPromptTuning(adapterDir)) {
                PeftPromptAdapter.apply(adapterDir, adapted, manager);
            } else {
                PeftLoraAdapter.apply(adapterDir, adapted, manager);
            }
            String adapter = adapterDir.toAbsolutePath().normalize().getFileName().toString();
            return new LocalLanguageModel(adapted, tokenizer, prompts, eosIds, defaults, name, adapter, modelDir, null);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Renders the conversation with the chat template and generates the assistant's reply. */
    public Generator.Result chat(List<ChatTemplate.Message> messages, GenerationConfig config,
                                 Generator.TokenListener onText, BooleanSupplier cancelled) {
        return chat(messages, config, onText, cancelled, null);
    }

    /** As above, with {@code processor} (null: none) on each step's logits, such as a copy pointer over source sentences. */
    public Generator.Result chat(List<ChatTemplate.Message> messages, GenerationConfig config,
                                 Generator.TokenListener onText, BooleanSupplier cancelled, LogitsProcessor processor) {
        return new Generator(model, tokenizer, eosIds, FastDecoder.STEPS).generate(encodePrompt(messages), config, onText, cancelled, processor);
    }

    /**
     * The prompt of a conversation, message text as data ({@link PromptEncoder}): with the
     * generation prompt, or, when the conversation ends on a non-empty assistant message
     * (prefill), continuing that message.
     */
    public long[] encodePrompt(List<ChatTemplate.Message> messages) {
        ChatTemplate.Message last = messages.get(messages.size() - 1);
        if (last.role().equals("assistant")) {
            if (!last.content().isBlank()) {
                return prompts().encodeContinuation(messages);
            }
            return prompts().encode(messages.subList(0, messages.size() - 1), true);
        }
        return prompts().encode(messages, true);
    }

    /** The chat template over this model's tokenizer. */
    public PromptEncoder prompts() {
        if (prompts == null) {
            throw new IllegalStateException(name + " has no chat_template in tokenizer_config.json; use a raw prompt");
        }
        return prompts;
    }

    public Generator.Result generateIds(long[] promptIds, GenerationConfig config) {
        return generateIds(promptIds, config, null, null);
    }

    public Generator.Result generateIds(long[] promptIds, GenerationConfig config, Generator.TokenListener onText,
                                        BooleanSupplier cancelled) {
        return new Generator(model, tokenizer, eosIds, FastDecoder.STEPS).generate(promptIds, config, onText, cancelled);
    }

    public GenerationConfig defaults() {
        return defaults;
    }

    public String name() {
        return name;
    }

    public String adapterName() {
        return adapterName;
    }

    public LlamaModel model() {
        return model;
    }

    /** @throws IllegalStateException when the folder has no {@code tokenizer.json} */
    public TextTokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException(name + " has no tokenizer.json: give the prompt as token ids and read ids");
        }
        return tokenizer;
    }

    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    public Path modelDir() {
        return modelDir;
    }

    public Set<Long> eosIds() {
        return eosIds;
    }

    @Override
    public void close() {
        if (ownedRoot != null) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            ownedRoot.close();
        } else {
            model.close();
        }
    }
}
