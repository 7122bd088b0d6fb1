package ai.hybridchat.tuning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.model.AtomicFiles;
import ai.hybridchat.core.model.Json;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.data.Batches;
import ai.hybridchat.tuning.data.ChatEncoder;
import ai.hybridchat.tuning.data.SftDataset;
import ai.hybridchat.tuning.data.SftExample;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.CrossEntropy;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs a fine-tuning method end to end: read and check the data, load the base, attach what
 * trains, run the shared {@link TrainingLoop}, and write the result (a PEFT adapter for LoRA)
 * with a metadata file naming the base and data hashes, the settings and the final metrics.
 */
public final class Tuner {
    /** {@code classification} is set by last-layer tuning on labelled data. */
    public record Result(Path out, TrainingLoop.Result training, int examples, int skippedTooLong,
                         ai.hybridchat.tuning.classify.ClassificationMetrics classification,
                         ai.hybridchat.tuning.preference.PreferenceMetrics preference, List<Double> rewardPerStep) {
        public Result(Path out, TrainingLoop.Result training, int examples, int skippedTooLong) {
            this(out, training, examples, skippedTooLong, null, null, null);
        }

        public Result(Path out, TrainingLoop.Result training, int examples, int skippedTooLong,
                      ai.hybridchat.tuning.classify.ClassificationMetrics classification) {
            this(out, training, examples, skippedTooLong, classification, null, null);
        }

        public Result(Path out, TrainingLoop.Result training, int examples, int skippedTooLong,
                      ai.hybridchat.tuning.classify.ClassificationMetrics classification,
                      ai.hybridchat.tuning.preference.PreferenceMetrics preference) {
            this(out, training, examples, skippedTooLong, classification, preference, null);
        }
    }

    private final ProgressListener listener;

    public Tuner(ProgressListener listener) {
        this.listener = listener;
    }

    public Result run(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        Result result = switch (o.method()) {
            case "lora" -> lora(o, cancelled, null);
            case "qlora" -> lora(o, cancelled, ModelQuantizer.Scheme.parse(o.methodOptions().quantization()));
            case "full" -> full(o, cancelled);
            case "dpo" -> new ai.hybridchat.tuning.preference.DpoTuner(listener).run(o, cancelled);
            case "reward-model" -> new ai.hybridchat.tuning.preference.RewardModelTuner(listener).run(o, cancelled);
            case "ppo" -> new ai.hybridchat.tuning.preference.PpoTuner(listener).run(o, cancelled);
            case "prompt-tuning" -> promptTuning(o, cancelled);
            case "last-layer" -> LabeledText.isClassificationData(o.data())
                    ? new ClassifierTuner(listener).run(o, cancelled) : lastLayer(o, cancelled);
            default -> throw new IllegalArgumentException("unknown or not yet available tuning method '" + o.method()
                    + "' (available: full, last-layer, lora, qlora, prompt-tuning, dpo, reward-model, ppo)");
        };
        // the result is written: the checkpoint has done its job
        AtomicFiles.deleteRecursively(o.checkpointDir());
        return result;
    }

    /** The checked data of a run, encoded with the base's tokenizer and chat template. */
    /** {@code closedBook}: the training examples that ask a question without passages (what the tuned mode reads). */
    private record Prepared(List<ChatEncoder.Encoded> train, List<TokenBatch> validation, Batches batches, int steps,
                            int skipped, List<String> questions, List<ChatEncoder.Encoded> closedBook) {
    }

    /** At most this many training questions are kept in an adapter's {@code training.json}. */
    static final int MAX_QUESTIONS = 10_000;

    /**
     * The distinct questions of chat examples (the last user message, its passages left out), which
     * an adapter keeps so serving can tell a question it was tuned on from one it was not.
     */
    static List<String> questions(List<SftExample> examples) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (SftExample e : examples) {
            if (e.prompt() == null || e.prompt().isEmpty() || out.size() >= MAX_QUESTIONS) {
                continue;
            }
            ChatTemplate.Message last = e.prompt().get(e.prompt().size() - 1);
            if (last.role().equals("user")) {
                String q = ai.hybridchat.core.prompt.RagPrompt.parse(last.content()).question().strip();
                if (!q.isEmpty()) {
                    out.add(q);
                }
            }
        }
        return List.copyOf(out);
    }

    private Prepared prepare(TuneOptions o, TextTokenizer tokenizer) throws IOException {
        List<SftExample> train = SftDataset.read(o.data());
        List<SftExample> validation = o.validation() == null ? List.of() : SftDataset.read(o.validation());
        ChatEncoder encoder = new ChatEncoder(tokenizer);
        List<ChatEncoder.Encoded> encoded = encode(train, encoder);
        List<ChatEncoder.Encoded> fitting = ChatEncoder.fitting(encoded, o.maxLength());
        int skipped = encoded.size() - fitting.size();
        if (skipped > 0) {
            listener.onMessage("skipping " + skipped + " example(s) longer than " + o.maxLength() + " tokens");
        }
        long pad = padId(tokenizer);
        Batches batches = new Batches(fitting, o.batchSize(), pad, o.seed());
        int steps = o.steps() > 0 ? o.steps()
                : Math.max(1, o.epochs() * batches.batchesPerEpoch() / o.gradientAccumulation());
        List<TokenBatch> val = Batches.inOrder(ChatEncoder.fitting(encode(validation, encoder), o.maxLength()), o.batchSize(), pad);
        List<ChatEncoder.Encoded> closedBook = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            if (encoded.get(i).length() - 1 <= o.maxLength() && isClosedBook(train.get(i))) {
                closedBook.add(encoded.get(i));
            }
        }
        return new Prepared(fitting, val, batches, steps, skipped, questions(train), closedBook);
    }

    /** A chat example whose last user message is a question with no passages. */
    private static boolean isClosedBook(SftExample e) {
        if (e.prompt() == null || e.prompt().isEmpty()) {
            return false;
        }
        ChatTemplate.Message last = e.prompt().get(e.prompt().size() - 1);
        return last.role().equals("user") && ai.hybridchat.core.prompt.RagPrompt.parse(last.content()).passages().isEmpty();
    }

    /** Runs the shared loop over {@code params} with the next-token loss of {@code model}. */
    private TrainingLoop.Result train(TuneOptions o, Prepared data, LlamaModel model, List<NDArray> params,
                                      BooleanSupplier cancelled) {
        return train(o, data, model, params, cancelled, null);
    }

    /** As above; {@code learned} (nullable) must also hold before a run stops at its target loss. */
    private TrainingLoop.Result train(TuneOptions o, Prepared data, LlamaModel model, List<NDArray> params,
                                      BooleanSupplier cancelled, BooleanSupplier learned) {
        return runLoop(o, data.steps(), (batch, m) -> CrossEntropy.nextToken(
                        model, batch.inputArray(m), batch.targetArray(m), batch.maskArray(m)),
                params, data.batches()::get, data.validation(), listener, cancelled,
                learned == null ? 0 : data.batches().batchesPerEpoch() / o.gradientAccumulation(), learned);
    }

    /**
     * Whether greedy decoding reproduces every answer the tuned mode is asked for: each completion
     * token of every question-only training example has a probability above 0.5 after the tokens
     * before it (dropout off while it is asked). The examples with passages are left out: there the
     * hybrid mode reads the passages, and some with distractors only stay unlearned at the end of a
     * full run (measured on the water-board handbook: one token at 0.008 from step 150 to 330).
     */
    private BooleanSupplier everyAnswerLearned(Prepared data, LlamaModel model, List<LoraLinear> loras, TuneOptions o,
                                               TextTokenizer tokenizer) {
        List<ChatEncoder.Encoded> checked = data.closedBook().isEmpty() ? data.train() : data.closedBook();
        List<TokenBatch> all = Batches.inOrder(checked, o.batchSize(), padId(tokenizer));
        return () -> {
            loras.forEach(l -> l.setTraining(false));
            try (NDManager scratch = model.manager().newSubManager()) {
                CrossEntropy.LeastTarget least = null;
                int example = -1;
                for (int b = 0; b < all.size(); b++) {
                    CrossEntropy.LeastTarget t = CrossEntropy.leastTargetProbability(model, all.get(b), scratch);
                    if (least == null || t.probability() < least.probability()) {
                        least = t;
                        example = b * o.batchSize() + t.row();
                    }
                }
                boolean learned = least.probability() > 0.5;
                listener.onMessage(String.format(java.util.Locale.ROOT, "least probability of a question-only training answer token: %.3f%s",
                        least.probability(), learned ? "" : " (not all learned yet: example " + (example + 1) + ", "
                                + Json.MAPPER.valueToTree(tokenizer.decode(new long[] {least.token()})) + " in "
                                + Json.MAPPER.valueToTree(completion(checked.get(example), tokenizer)) + ")"));
                return learned;
            } finally {
                loras.forEach(l -> l.setTraining(true));
            }
        };
    }

    /** The trained (completion) text of an encoded example. */
    private static String completion(ChatEncoder.Encoded e, TextTokenizer tokenizer) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < e.ids().length; i++) {
            if (e.trained()[i]) {
                ids.add(e.ids()[i]);
            }
        }
        return tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The loop every method shares: warm-up and cosine schedule, early stopping, checkpoints and
     * resume, validation four times per run unless set, and a cancelled run written nowhere.
     */
    public static TrainingLoop.Result runLoop(TuneOptions o, int steps, TrainingLoop.LossFunction loss, List<NDArray> params,
                                       java.util.function.IntFunction<TokenBatch> batches, List<TokenBatch> validation,
                                       ProgressListener listener, BooleanSupplier cancelled) {
        return runLoop(o, steps, loss, params, batches, validation, listener, cancelled, 0, null);
    }

    /** As above, with a check that must also hold to stop at the target loss, asked every {@code checkEvery} steps. */
    static TrainingLoop.Result runLoop(TuneOptions o, int steps, TrainingLoop.LossFunction loss, List<NDArray> params,
                                       java.util.function.IntFunction<TokenBatch> batches, List<TokenBatch> validation,
                                       ProgressListener listener, BooleanSupplier cancelled, int checkEvery,
                                       BooleanSupplier learned) {
        TrainingLoop loop = new TrainingLoop(params, loss,
                new LearningRateSchedule(o.learningRate(), Math.min(o.warmupSteps(), steps / 4), steps, 0.1),
                o.weightDecay(), o.gradientAccumulation()).withEarlyStopping(o.earlyStopping())
                .withTargetLoss(TuningDefaults.of(o.method()).stopBelowLoss());
        if (learned != null) {
            loop.withLearnedCheck(checkEvery, "every question-only training answer is learned", learned);
        }
        if (o.checkpointEvery() > 0 || o.resume()) {
            if (!o.resume() && java.nio.file.Files.exists(o.checkpointDir())) {
                throw new IllegalArgumentException("a checkpoint of an earlier run is in " + o.checkpointDir()
                        + ": continue it with --resume, or delete it");
            }
            if (o.resume() && !java.nio.file.Files.isDirectory(o.checkpointDir())) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + o.checkpointDir());
            }
            loop.withCheckpoints(o.checkpointDir(), o.checkpointEvery(), o.seed(), runIdentity(o), o.forceResume());
        }
        int evalEvery = o.evalEvery() > 0 ? o.evalEvery() : Math.max(1, steps / 4);
        TrainingLoop.Result result = loop.run(batches, validation, evalEvery, listener, cancelled);
        if (result.cancelled()) {
            throw new java.util.concurrent.CancellationException("tuning cancelled at step " + result.steps() + "; nothing written"
                    + (o.checkpointEvery() > 0 ? " but the last checkpoint (continue with --resume)" : ""));
        }
        return result;
    }

    /**
     * What makes a run this run, recorded in its checkpoints: the method, the base model and data
     * (their files' SHA-256), the hyper-parameters and the seed. A resume with any of them changed
     * would mix two runs, so it is refused unless forced.
     */
    static Map<String, Object> runIdentity(TuneOptions o) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("method", o.method());
        try {
            Path weights = o.base().resolve("model.safetensors");
            run.put("base_sha256", Files.isRegularFile(weights) ? sha256(weights) : o.base().toAbsolutePath().normalize().toString());
            run.put("data_sha256", sha256(o.data()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + o.data() + " or the base model", e);
        }
        run.put("epochs", o.epochs());
        run.put("steps", o.steps());
        run.put("batch", o.batchSize());
        run.put("max_length", o.maxLength());
        run.put("learning_rate", o.learningRate());
        run.put("weight_decay", o.weightDecay());
        run.put("warmup_steps", o.warmupSteps());
        run.put("seed", o.seed());
        run.put("rank", o.rank());
        run.put("alpha", o.alpha());
        run.put("dropout", o.dropout());
        run.put("target_modules", o.targetModules());
        run.put("gradient_accumulation", o.gradientAccumulation());
        run.put("method_options", String.valueOf(o.methodOptions()));
        return run;
    }

    /** LoRA, or QLoRA when {@code quantization} is given: the same adapters over a base held quantized. */
    private Result lora(TuneOptions o, BooleanSupplier cancelled, ModelQuantizer.Scheme quantization) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
             TextTokenizer tokenizer = TextTokenizer.load(o.base());
             LlamaModel model = LlamaModel.load(o.base(), manager)) {
            Prepared data = prepare(o, tokenizer);
            ModelQuantizer.Report held = null;
            if (quantization != null) {
                held = ModelQuantizer.quantize(model, quantization);
                listener.onMessage(String.format("qlora: base held in %s, %,d bytes = %.1f%% of its %,d F32 bytes",
                        quantization.name().toLowerCase(java.util.Locale.ROOT), held.heldBytes(), 100 * held.fraction(),
                        held.f32Bytes()));
            }
            List<LoraLinear> loras = LoraInjector.inject(model, o.targetModules(), o.rank(), o.alpha(), o.dropout(),
                    o.seed(), model.manager());
            List<NDArray> params = LoraInjector.startTraining(loras);
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            listener.onMessage(o.method() + ": " + loras.size() + " projections, " + trainable + " trainable parameters ("
                    + String.format("%.2f%%", 100.0 * trainable / (held != null ? held.f32Bytes() / 4 : model.parameterCount()))
                    + " of the base), "
                    + data.train().size() + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = train(o, data, model, params, cancelled, everyAnswerLearned(data, model, loras, o, tokenizer));
            for (LoraLinear l : loras) {
                l.setTraining(false);
            }
            Map<String, Object> meta = metadata(o, result, data.train().size(), data.steps());
            meta.put("questions", data.questions());
            if (held != null) {
                meta.put("quantization", Map.of("scheme", held.scheme().name().toLowerCase(java.util.Locale.ROOT),
                        "base_bytes_held", held.heldBytes(), "base_bytes_f32", held.f32Bytes(), "fraction", held.fraction()));
            }
            writeLoraAdapter(model, o, meta);
            return new Result(o.out(), result, data.train().size(), data.skipped());
        }
    }

    /** The model's LoRA layers as a PEFT adapter in {@code o.out()}, with {@code meta} as {@code training.json}. */
    public static void writeLoraAdapter(LlamaModel model, TuneOptions o, Map<String, Object> meta) throws IOException {
        LoraConfig config = new LoraConfig();
        config.r = o.rank();
        config.loraAlpha = o.alpha();
        config.loraDropout = o.dropout();
        config.targetModules = o.targetModules();
        config.baseModelNameOrPath = o.base().toString();
        PeftLoraAdapter.save(model, config, o.out(),
                Map.of("training.json", Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(meta)));
    }

    /** Every weight trains; the result is a complete Hugging Face model folder. */
    private Result full(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
             TextTokenizer tokenizer = TextTokenizer.load(o.base());
             LlamaModel model = LlamaModel.load(o.base(), manager)) {
            Prepared data = prepare(o, tokenizer);
            List<NDArray> params = new ArrayList<>(new java.util.LinkedHashSet<>(model.weights().values()));
            listener.onMessage("full: " + model.parameterCount() + " trainable parameters, " + data.train().size()
                    + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = train(o, data, model, params, cancelled);
            writeModelFolder(model, o, metadata(o, result, data.train().size(), data.steps()), Map.of(), null);
            return new Result(o.out(), result, data.train().size(), data.skipped());
        }
    }

    /**
     * Last-layer fine-tuning of the language model: the top {@code topLayers} blocks, the final
     * norm and the output head train, everything below stays frozen.
     */
    private Result lastLayer(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
             TextTokenizer tokenizer = TextTokenizer.load(o.base());
             LlamaModel model = LlamaModel.load(o.base(), manager)) {
            Prepared data = prepare(o, tokenizer);
            List<NDArray> params = topLayers(model, o.methodOptions().topLayers());
            params.add(model.config().tieWordEmbeddings ? model.embedTokens() : model.weights().get("lm_head.weight"));
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            listener.onMessage("last-layer: top " + o.methodOptions().topLayers() + " block(s), final norm and head, "
                    + trainable + " trainable parameters, " + data.train().size() + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = train(o, data, model, params, cancelled);
            writeModelFolder(model, o, metadata(o, result, data.train().size(), data.steps()), Map.of(), null);
            return new Result(o.out(), result, data.train().size(), data.skipped());
        }
    }

    /** The weights of the top {@code n} decoder blocks and the final norm. */
    public static List<NDArray> topLayers(LlamaModel model, int n) {
        int layers = model.config().numHiddenLayers;
        if (n > layers) {
            throw new IllegalArgumentException("--top-layers " + n + " but the base has " + layers + " blocks");
        }
        List<NDArray> params = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("model.layers.")) {
                int index = Integer.parseInt(name.substring("model.layers.".length(), name.indexOf('.', "model.layers.".length())));
                if (index >= layers - n) {
                    params.add(e.getValue());
                }
            }
        }
        params.add(model.weights().get("model.norm.weight"));
        return params;
    }

    /**
     * Writes the model as a complete Hugging Face folder, atomically: its tensors plus
     * {@code extraTensors}, the base's tokenizer files, {@code training.json}, and
     * {@code config.json} with {@code configPatch} (nullable) merged in.
     */
    public static void writeModelFolder(LlamaModel model, TuneOptions o, Map<String, Object> meta, Map<String, NDArray> extraTensors,
                                 com.fasterxml.jackson.databind.node.ObjectNode configPatch) throws IOException {
        Path staging = AtomicFiles.stagingFor(o.out());
        try {
            model.save(staging, extraTensors);
            if (configPatch != null) {
                com.fasterxml.jackson.databind.node.ObjectNode config =
                        (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(staging.resolve("config.json").toFile());
                config.setAll(configPatch);
                AtomicFiles.writeString(staging.resolve("config.json"),
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            }
            for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
                if (Files.isRegularFile(o.base().resolve(f))) {
                    Files.copy(o.base().resolve(f), staging.resolve(f));
                }
            }
            AtomicFiles.writeString(staging.resolve("training.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
            AtomicFiles.publishDirectory(staging, o.out());
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    /**
     * Prompt tuning: only {@code n} virtual-token embeddings train, prepended to every input; the
     * base is frozen. Initialised from a text's token embeddings (repeated to fill {@code n}, as
     * PEFT does) or, without one, from the embeddings of random vocabulary tokens, which Lester et
     * al. found better than random vectors at the scale of a pretrained model's embeddings.
     */
    private Result promptTuning(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        try (NDManager manager = NDManager.newBaseManager();
             TextTokenizer tokenizer = TextTokenizer.load(o.base());
             LlamaModel model = LlamaModel.load(o.base(), manager)) {
            Prepared data = prepare(o, tokenizer);
            int n = o.methodOptions().virtualTokens();
            String initText = o.methodOptions().promptInit();
            long[] init = initText == null ? new long[0] : tokenizer.encodeLiteral(initText);
            if (initText != null && init.length == 0) {
                throw new IllegalArgumentException("--prompt-init text has no tokens");
            }
            java.util.Random random = new java.util.Random(o.seed());
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = init.length > 0 ? init[i % init.length] : random.nextInt(model.config().vocabSize);
            }
            NDArray prompt;
            try (NDManager scratch = model.manager().newSubManager()) {
                float[] rows = model.embed(scratch.create(ids, new ai.djl.ndarray.types.Shape(1, n))).toFloatArray();
                prompt = model.manager().create(rows, new ai.djl.ndarray.types.Shape(n, model.config().hiddenSize));
            }
            model.setVirtualPrompt(prompt);
            listener.onMessage("prompt-tuning: " + n + " virtual tokens, " + prompt.getShape().size()
                    + " trainable parameters, " + data.train().size() + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = train(o, data, model, List.of(prompt), cancelled);
            Map<String, Object> meta = metadata(o, result, data.train().size(), data.steps());
            ai.hybridchat.core.adapter.PeftPromptAdapter.save(model, prompt, initText, o.base().toString(), o.out(),
                    Map.of("training.json", Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(meta)));
            return new Result(o.out(), result, data.train().size(), data.skipped());
        }
    }

    private static List<ChatEncoder.Encoded> encode(List<SftExample> examples, ChatEncoder encoder) {
        List<ChatEncoder.Encoded> out = new ArrayList<>();
        for (SftExample e : examples) {
            out.add(e.encode(encoder));
        }
        return out;
    }

    public static long padId(TextTokenizer tokenizer) {
        String pad = tokenizer.specialToken("pad_token");
        long id = pad == null ? -1 : tokenizer.tokenId(pad);
        if (id < 0) {
            String eos = tokenizer.specialToken("eos_token");
            id = eos == null ? 0 : Math.max(0, tokenizer.tokenId(eos));
        }
        return id;
    }

    public static Map<String, Object> metadata(TuneOptions o, TrainingLoop.Result r, int examples, int steps) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("method", o.method());
        meta.put("base_model", o.base().toString());
        meta.put("base_model_sha256", sha256(o.base().resolve("model.safetensors")));
        meta.put("dataset", o.data().toString());
        meta.put("dataset_sha256", sha256(o.data()));
        meta.put("examples", examples);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("steps", steps);
        hp.put("batch_size", o.batchSize());
        hp.put("gradient_accumulation", o.gradientAccumulation());
        hp.put("max_length", o.maxLength());
        hp.put("learning_rate", o.learningRate());
        hp.put("weight_decay", o.weightDecay());
        hp.put("seed", o.seed());
        hp.put("early_stopping_patience", o.earlyStopping());
        if (o.method().equals("lora") || o.method().equals("qlora") || o.method().equals("dpo")
                || o.method().equals("ppo")) {
            hp.put("r", o.rank());
            hp.put("lora_alpha", o.alpha());
            hp.put("lora_dropout", o.dropout());
            hp.put("target_modules", o.targetModules());
        }
        if (o.method().equals("qlora")) {
            hp.put("quantization", o.methodOptions().quantization());
        }
        if (o.method().equals("dpo")) {
            hp.put("beta", o.methodOptions().beta());
        }
        if (o.method().equals("last-layer") || o.method().equals("reward-model")) {
            hp.put("top_layers", o.methodOptions().topLayers());
        }
        if (o.method().equals("prompt-tuning")) {
            hp.put("num_virtual_tokens", o.methodOptions().virtualTokens());
            hp.put("prompt_tuning_init_text", o.methodOptions().promptInit());
        }
        meta.put("hyperparameters", hp);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final_train_loss", r.finalTrainLoss());
        metrics.put("final_validation_loss", r.finalValidationLoss());
        metrics.put("stopped_early", r.stoppedEarly());
        metrics.put("validation_perplexity", r.finalValidationLoss() == null ? null : Math.exp(r.finalValidationLoss()));
        metrics.put("tokens_per_second", r.tokensPerSecond());
        meta.put("metrics", metrics);
        return meta;
    }

    static String sha256(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
