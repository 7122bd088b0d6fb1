package ai.hybridchat.tuning.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.data.ChatEncoder;
import ai.hybridchat.tuning.train.CrossEntropy;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes a small base model from scratch: trains a byte-level BPE tokenizer on the corpus, then a
 * Llama-architecture decoder on next-token prediction over random windows of the tokenised text,
 * and writes the Hugging Face folder (config, safetensors, tokenizer, chat template) atomically.
 */
public final class Pretrainer {
    /** Settings of a pre-training run; defaults make the demo's base model. */
    public record Options(List<Path> corpus, Path out, int layers, int hidden, int heads, int kvHeads,
                          int vocab, int steps, int batch, int sequenceLength, double learningRate, long seed,
                          double readingFraction, double copyFraction, Path init) {
        public Options {
            if (readingFraction < 0 || copyFraction < 0 || readingFraction + copyFraction > 1) {
                throw new IllegalArgumentException("reading and copy fractions must be >= 0 and add up to at most 1, got "
                        + readingFraction + " and " + copyFraction);
            }
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of heads " + heads);
            }
            if (heads % kvHeads != 0) {
                throw new IllegalArgumentException("heads " + heads + " is not a multiple of kv heads " + kvHeads);
            }
            if (layers < 1 || steps < 1 || batch < 1 || sequenceLength < 8) {
                throw new IllegalArgumentException("layers, steps and batch must be positive and sequence length at least 8");
            }
        }
    }

    private final ProgressListener listener;

    public Pretrainer(ProgressListener listener) {
        this.listener = listener;
    }

    public TrainingLoop.Result run(Options o) throws IOException {
        List<String> texts = Corpus.read(o.corpus());
        long chars = texts.stream().mapToLong(String::length).sum();
        listener.onMessage("corpus: " + texts.size() + " documents, " + chars + " characters");
        Path staging = AtomicFiles.stagingFor(o.out());
        try {
            int vocabSize = 0;
            if (o.init() == null) {
                var vocab = new ByteLevelBpeTrainer(o.vocab()).train(texts);
                vocabSize = vocab.tokens().size();
                ByteLevelBpeTrainer.write(vocab, staging, 1024);
                writeGenerationConfig(staging, vocab.tokens());
                listener.onMessage("tokenizer: " + vocab.tokens().size() + " tokens, " + vocab.merges().size() + " merges");
            } else {
                // continued pre-training keeps the model's tokenizer, so its embeddings keep their meaning
                Files.createDirectories(staging);
                for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
                    if (Files.isRegularFile(o.init().resolve(f))) {
                        Files.copy(o.init().resolve(f), staging.resolve(f));
                    }
                }
                listener.onMessage("continuing " + o.init() + " with its tokenizer");
            }
            long[] stream;
            List<ChatEncoder.Encoded> exercises = new ArrayList<>();
            int exerciseRows = (int) Math.round(o.batch() * o.readingFraction());
            try (TextTokenizer tokenizer = TextTokenizer.load(staging)) {
                stream = tokenize(texts, tokenizer);
                if (exerciseRows > 0) {
                    ReadingExercises generator = new ReadingExercises(texts, o.seed());
                    ChatEncoder encoder = new ChatEncoder(tokenizer);
                    int needed = exerciseRows * (o.steps() + 8);
                    int attempts = 0;
                    while (exercises.size() < needed) {
                        if (++attempts > needed * 20 + 1000) {
                            throw new IllegalArgumentException("reading exercises do not fit a sequence length of "
                                    + o.sequenceLength() + " tokens: raise --seq-len or set --reading-fraction 0");
                        }
                        ReadingExercises.Exercise ex = generator.next(3);
                        ChatEncoder.Encoded e = encoder.encode(
                                List.of(new ChatTemplate.Message("user", ex.userMessage())), ex.answer());
                        if (e.length() - 1 <= o.sequenceLength()) {
                            // the passages and question are good text too: pre-training learns every token
                            Arrays.fill(e.trained(), 0, e.length() - 1, true);
                            exercises.add(e);
                        }
                    }
                    listener.onMessage("reading exercises: " + exercises.size() + " from "
                            + generator.paragraphCount() + " prose paragraphs, e.g.\n"
                            + encoder.render(List.of(new ChatTemplate.Message("user", generator.next(3).userMessage()))));
                }
            }
            listener.onMessage("tokens: " + stream.length);
            // the last 2% (at least a few windows' worth) is held out for the validation loss
            int split = Math.min((int) (stream.length * 0.98), stream.length - 2 * (o.sequenceLength() + 2));
            if (split < o.sequenceLength() + 2) {
                throw new IllegalArgumentException("the corpus is too small: " + stream.length + " tokens for windows of "
                        + o.sequenceLength() + " tokens plus a validation split");
            }
            TrainingLoop.Result result;
            int copyRows = (int) Math.round(o.batch() * o.copyFraction());
            int textRows = o.batch() - exerciseRows - copyRows;
            try (NDManager manager = NDManager.newBaseManager();
                 LlamaModel model = o.init() != null ? LlamaModel.load(o.init(), manager)
                         : LlamaModel.randomInit(config(o, vocabSize), o.seed(), manager)) {
                CopyExercises copies = new CopyExercises(stream, split, ByteLevelBpeTrainer.SPECIAL_TOKENS.size(),
                        model.config().vocabSize, o.seed() + 3);
                listener.onMessage("model: " + model.parameterCount() + " parameters");
                List<NDArray> params = new ArrayList<>(new LinkedHashSet<>(model.weights().values()));
                TrainingLoop loop = new TrainingLoop(params, (batch, m) -> CrossEntropy.nextToken(
                        model, batch.inputArray(m), batch.targetArray(m), batch.maskArray(m)),
                        new LearningRateSchedule(o.learningRate(), Math.max(1, o.steps() / 20), o.steps(), 0.1), 0.1, 1);
                Random random = new Random(o.seed());
                List<TokenBatch> validation = new ArrayList<>();
                Random valRandom = new Random(o.seed() + 1);
                for (int i = 0; i < 8; i++) {
                    validation.add(windows(stream, split, stream.length, o.batch(), o.sequenceLength(), valRandom));
                }
                long pad = ByteLevelBpeTrainer.SPECIAL_TOKENS.indexOf("<|pad|>");
                result = loop.run(i -> stack(List.of(
                                windows(stream, 0, split, textRows, o.sequenceLength(), random),
                                ChatEncoder.batch(exercises.subList(i * exerciseRows, (i + 1) * exerciseRows), o.sequenceLength(), pad),
                                copies.rows(copyRows, o.sequenceLength()))),
                        validation, Math.max(1, o.steps() / 5), listener, null);
                model.save(staging);
            }
            Map<String, Object> card = new LinkedHashMap<>();
            card.put("method", "pretrain");
            card.put("init", o.init() == null ? null : o.init().toString());
            card.put("corpus", o.corpus().stream().map(Path::toString).toList());
            card.put("corpus_characters", chars);
            card.put("tokens", stream.length);
            card.put("steps", o.steps());
            card.put("batch", o.batch());
            card.put("sequence_length", o.sequenceLength());
            card.put("learning_rate", o.learningRate());
            card.put("seed", o.seed());
            card.put("reading_exercise_fraction", o.readingFraction());
            card.put("copy_exercise_fraction", o.copyFraction());
            card.put("final_train_loss", result.finalTrainLoss());
            card.put("final_validation_loss", result.finalValidationLoss());
            card.put("tokens_per_second", result.tokensPerSecond());
            AtomicFiles.writeString(staging.resolve("training.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(card));
            AtomicFiles.publishDirectory(staging, o.out());
            return result;
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    static LlamaConfig config(Options o, int vocabSize) {
        LlamaConfig c = new LlamaConfig();
        c.hiddenSize = o.hidden();
        // SwiGLU's 8/3 expansion, rounded to a multiple of 32 as Llama rounds to 256
        c.intermediateSize = (int) Math.round(o.hidden() * 8.0 / 3 / 32) * 32;
        c.numHiddenLayers = o.layers();
        c.numAttentionHeads = o.heads();
        c.numKeyValueHeads = o.kvHeads();
        c.vocabSize = vocabSize;
        c.maxPositionEmbeddings = 1024;
        c.tieWordEmbeddings = true;
        c.ropeTheta = 10000;
        c.rmsNormEps = 1e-5;
        c.bosTokenId = null;
        c.eosTokenId = Json.MAPPER.valueToTree(List.of(ByteLevelBpeTrainer.SPECIAL_TOKENS.indexOf("<|end|>"),
                ByteLevelBpeTrainer.SPECIAL_TOKENS.indexOf("<|endoftext|>")));
        return c;
    }

    /** The corpus as one token stream, paragraphs kept, documents separated by end-of-text. */
    static long[] tokenize(List<String> texts, TextTokenizer tokenizer) {
        long eot = ByteLevelBpeTrainer.SPECIAL_TOKENS.indexOf("<|endoftext|>");
        List<long[]> parts = new ArrayList<>();
        long total = 0;
        for (String text : texts) {
            for (String paragraph : text.split("\n")) {
                if (paragraph.isBlank()) {
                    continue;
                }
                long[] ids = tokenizer.encode(paragraph + "\n");
                parts.add(ids);
                total += ids.length;
            }
            parts.add(new long[] {eot});
            total++;
        }
        long[] stream = new long[(int) total];
        int pos = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, stream, pos, p.length);
            pos += p.length;
        }
        return stream;
    }

    static TokenBatch windows(long[] stream, int from, int to, int batch, int length, Random random) {
        long[] inputs = new long[batch * length];
        long[] targets = new long[batch * length];
        float[] mask = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            int start = from + random.nextInt(Math.max(1, to - from - length - 1));
            System.arraycopy(stream, start, inputs, b * length, length);
            System.arraycopy(stream, start + 1, targets, b * length, length);
        }
        Arrays.fill(mask, 1f);
        return new TokenBatch(inputs, targets, mask, batch, length);
    }

    /** Stacks batches of the same sequence length (text windows, exercises, copies) into one. */
    static TokenBatch stack(List<TokenBatch> parts) {
        int length = parts.get(0).length();
        int rows = parts.stream().mapToInt(TokenBatch::batch).sum();
        long[] inputs = new long[rows * length];
        long[] targets = new long[rows * length];
        float[] mask = new float[rows * length];
        int at = 0;
        for (TokenBatch part : parts) {
            System.arraycopy(part.inputs(), 0, inputs, at, part.inputs().length);
            System.arraycopy(part.targets(), 0, targets, at, part.targets().length);
            System.arraycopy(part.mask(), 0, mask, at, part.mask().length);
            at += part.inputs().length;
        }
        return new TokenBatch(inputs, targets, mask, rows, length);
    }

    static void writeGenerationConfig(Path dir, List<String> tokens) throws IOException {
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("eos_token_id", List.of(tokens.indexOf("<|end|>"), tokens.indexOf("<|endoftext|>")));
        gen.put("pad_token_id", tokens.indexOf("<|pad|>"));
        gen.put("do_sample", false);
        gen.put("max_new_tokens", 64);
        AtomicFiles.writeString(dir.resolve("generation_config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(gen));
    }
}
