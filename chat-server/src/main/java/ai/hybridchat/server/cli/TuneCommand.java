package ai.hybridchat.server.cli;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.demo.DemoTuningData;
import ai.hybridchat.server.demo.RetrievalPairs;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningMethods;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.encoder.EncoderBase;
import ai.hybridchat.tuning.encoder.PairRanking;
import ai.hybridchat.tuning.encoder.TextPair;
import ai.hybridchat.tuning.preference.PreferenceMetrics;
import ai.hybridchat.tuning.preference.RewardTrace;
import ai.hybridchat.tuning.train.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform tune --method lora --base DIR --data FILE [--val FILE] --out DIR}: fine-tunes
 * a base model on SFT data (JSONL) and writes the result (a PEFT adapter for LoRA). The
 * defaults are {@link TuneOptions#lora}'s.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Fine-tune a base model on SFT data (JSONL); LoRA writes a PEFT adapter folder.")
final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--method", required = true, paramLabel = "METHOD",
            description = "full, last-layer, lora, qlora, prompt-tuning, dpo, reward-model, ppo; on a BERT encoder: embedding, reranker, classifier, classifier-lora.")
    String method;

    @Option(names = "--base", required = true, paramLabel = "DIR",
            description = "Base model folder (Hugging Face layout); on a BERT encoder, also a bundled one: all-minilm-l6-v2.")
    Path base;

    @Option(names = "--data", paramLabel = "FILE", description = "Training data, JSONL (embedding: {\"query\",\"positive\","
            + "\"negative\"?} pairs, or with --docs the {\"question\",\"answer\"} file; with --docs alone, pseudo-queries "
            + "from the documents).")
    Path data;

    @Option(names = "--val", paramLabel = "FILE", description = "Validation data, JSONL.")
    Path validation;

    @Option(names = "--docs", arity = "1..*", paramLabel = "PATH",
            description = "Documents to build retrieval-augmented examples from: each {\"question\",\"answer\",\"doc_ids\"?} "
                    + "line of --data is learned with its retrieved passages (the answer's passage swapped in when "
                    + "retrieval misses it), without passages, and for every fifth with distractors only (RAFT).")
    List<Path> docs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (the adapter for LoRA).")
    Path out;

    @Option(names = "--epochs", description = "Passes over the data when --steps is 0 (default: 30 for lora and qlora, 3 otherwise).")
    Integer epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Optimizer steps; 0 means --epochs passes (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "" + TuneOptions.DEFAULT_BATCH, description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "" + TuneOptions.DEFAULT_MAX_LENGTH, description = "Longest example in tokens; longer ones are skipped (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--lr", description = "Peak learning rate (default: 5e-3 for lora and qlora, 2e-3 otherwise).")
    Double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--warmup", defaultValue = "" + TuneOptions.DEFAULT_WARMUP_STEPS, description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--eval-every", defaultValue = "0", description = "Validate every N steps; 0: four times per run (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--seed", defaultValue = "" + TuneOptions.DEFAULT_SEED, description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rank", description = "LoRA rank r (default: 16 for lora and qlora, 8 for dpo).")
    Integer rank;

    @Option(names = "--alpha", description = "LoRA alpha; the update is scaled by alpha / r (default: twice the rank).")
    Double alpha;

    @Option(names = "--dropout", defaultValue = "" + TuneOptions.DEFAULT_DROPOUT, description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--target-modules", split = ",", paramLabel = "NAMES",
            description = "Projections LoRA wraps (default: every projection for lora and qlora, q_proj,v_proj for dpo).")
    List<String> targetModules;

    @Option(names = "--progress", defaultValue = "text", paramLabel = "text|json",
            description = "Progress as lines for people on stderr, or JSON events (one per line) on stdout (default: ${DEFAULT-VALUE}).")
    String progress;

    @Option(names = "--early-stopping", defaultValue = "0", paramLabel = "N",
            description = "Stop when the validation loss has not improved for N evaluations; 0: never (default: ${DEFAULT-VALUE}).")
    int earlyStopping;

    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "N",
            description = "Micro batches of --batch examples summed into each step (default: ${DEFAULT-VALUE}).")
    int gradAccum;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N",
            description = "Write a checkpoint (weights and optimizer state) to OUT.checkpoint every N steps; 0: none (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue the run from its checkpoint in OUT.checkpoint; the result "
            + "equals an uninterrupted run with the same settings; a checkpoint of other settings is refused.")
    boolean resume;

    @Option(names = "--force-resume", description = "As --resume, also when the checkpoint records other settings "
            + "(data, method, hyper-parameters) than this run's.")
    boolean forceResume;

    @Option(names = "--quantization", defaultValue = "nf4", paramLabel = "nf4|int8",
            description = "qlora: how the frozen base is held, 4-bit NormalFloat with a scale per 64 values or int8 per channel (default: ${DEFAULT-VALUE}).")
    String quantization;

    @Option(names = "--num-virtual-tokens", defaultValue = "20", paramLabel = "N",
            description = "prompt-tuning: trainable virtual tokens prepended to every input (default: ${DEFAULT-VALUE}).")
    int virtualTokens;

    @Option(names = "--prompt-init", paramLabel = "TEXT",
            description = "prompt-tuning: initialise the virtual tokens from this text's embeddings (default: random vocabulary rows).")
    String promptInit;

    @Option(names = "--top-layers", defaultValue = "1", paramLabel = "N",
            description = "last-layer, reward-model: decoder blocks that train besides the head, counted from the top (default: ${DEFAULT-VALUE}).")
    int topLayers;

    @Option(names = "--beta", defaultValue = "0.1", paramLabel = "B",
            description = "dpo: how far the policy may move from the base (DPO's beta; default: ${DEFAULT-VALUE}). "
                    + "--data is {\"prompt\",\"chosen\",\"rejected\"} JSONL; the result is a LoRA adapter.")
    double beta;

    @Option(names = "--reward-model", paramLabel = "DIR",
            description = "ppo: the reward model (a folder written by --method reward-model); --data gives the prompts.")
    Path rewardModel;

    @Option(names = "--kl-coef", defaultValue = "0.05", paramLabel = "C",
            description = "ppo: per-token penalty on the policy's log-ratio to the base (default: ${DEFAULT-VALUE}).")
    double klCoef;

    @Option(names = "--response-tokens", defaultValue = "24", paramLabel = "N",
            description = "ppo: longest sampled answer (default: ${DEFAULT-VALUE}).")
    int responseTokens;

    @Option(names = "--log-every", defaultValue = "10", description = "Progress line every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Override
    public Integer call() throws IOException {
        // the retriever's two models learn from (query, passage) pairs, which documents can supply
        boolean embedding = method.equalsIgnoreCase("embedding") || method.equalsIgnoreCase("reranker");
        boolean onEncoder = embedding || method.equalsIgnoreCase("classifier") || method.equalsIgnoreCase("classifier-lora");
        boolean withDocs = docs != null && !docs.isEmpty();
        if (!(onEncoder && EncoderBase.isBundled(base))) {
            PathChecks.requireDir(base, "--base");
        }
        if (data == null && !(embedding && withDocs)) {
            throw new IllegalArgumentException("--data is required (only --method embedding and reranker can learn from --docs alone)");
        }
        if (data != null) {
            PathChecks.requireFile(data, "--data");
        }
        if (!withDocs) {
            return tune(data);
        }
        docs.forEach(p -> PathChecks.requireExists(p, "--docs"));
        if (embedding) {
            return tuneOnPairsFromDocuments();
        }
        Path work = Files.createTempDirectory("tune-docs");
        try (ChunkIndex index = LuceneChunkIndex.open(work.resolve("index"),
                Embeddings.allMiniLmL6V2())) {
            new Ingestor(index).ingest(docs);
            Path examples = work.resolve("examples.jsonl");
            int n = new DemoTuningData(new LuceneRetriever(index),
                    index::chunks, ServerConfig.Retrieval.DEFAULT_K).build(data, examples);
            spec.commandLine().getErr().println("built " + n + " retrieval-augmented examples from " + data);
            return tune(examples);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    /** The embedding method on pairs built from the documents: the questions' answer chunks, or pseudo-queries. */
    private Integer tuneOnPairsFromDocuments() throws IOException {
        Path work = Files.createTempDirectory("tune-pairs");
        try (ChunkIndex index = LuceneChunkIndex.open(work.resolve("index"), null)) {
            new Ingestor(index).ingest(docs);
            RetrievalPairs pairs = new RetrievalPairs(index, spec.commandLine().getErr()::println);
            Path file = work.resolve("pairs.jsonl");
            AtomicFiles.writeString(file, TextPair.toJsonLines(data != null ? pairs.fromQuestions(data) : pairs.fromDocuments(seed)));
            if (validation != null && !TextPair.isPairData(validation)) {
                // held-out questions in the same question/answer form: their answer chunks become the pairs
                Path val = work.resolve("validation-pairs.jsonl");
                AtomicFiles.writeString(val, TextPair.toJsonLines(pairs.fromQuestions(validation)));
                validation = val;
            }
            return tune(file);
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    private Integer tune(Path data) throws IOException {
        if (validation != null) {
            PathChecks.requireFile(validation, "--val");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        }
        if (!progress.equals("text") && !progress.equals("json")) {
            throw new IllegalArgumentException("--progress must be text or json, got '" + progress + "'");
        }
        if (earlyStopping < 0) {
            throw new IllegalArgumentException("--early-stopping must be >= 0, got " + earlyStopping);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
        if (earlyStopping > 0 && validation == null) {
            throw new IllegalArgumentException("--early-stopping needs validation data (--val)");
        }
        TuneOptionsBuilder settings = TuneOptionsBuilder.of(method.toLowerCase(Locale.ROOT), base, data, out)
                .validation(validation).steps(steps).batchSize(batch).maxLength(maxLength).weightDecay(weightDecay)
                .warmupSteps(warmup).evalEvery(evalEvery).seed(seed).dropout(dropout).earlyStopping(earlyStopping)
                .checkpoints(checkpointEvery, resume || forceResume).gradientAccumulation(gradAccum)
                .methodOptions(new TuneOptions.MethodOptions(quantization, virtualTokens, promptInit, topLayers, beta,
                        rewardModel, klCoef, responseTokens));
        if (epochs != null) {
            settings.epochs(epochs);
        }
        if (learningRate != null) {
            settings.learningRate(learningRate);
        }
        if (rank != null) {
            settings.rank(rank);
        }
        if (alpha != null) {
            settings.alpha(alpha);
        }
        if (targetModules != null) {
            settings.targetModules(targetModules);
        }
        if (forceResume) {
            settings.forcedResume();
        }
        TuneOptions options = settings.build();
        boolean json = progress.equals("json");
        ProgressListener listener = json ? ProgressListener.json(spec.commandLine().getOut()) : ProgressListener.terminal(Math.max(1, logEvery),
                !TuningMethods.exists(options.method()) || TuningMethods.named(options.method()).lossIsTokenCrossEntropy());
        TuningResult r = new Tuner(listener).run(options, () -> false);
        ClassificationMetrics classification = r.evaluation(ClassificationMetrics.class).orElse(null);
        PreferenceMetrics preference = r.evaluation(PreferenceMetrics.class).orElse(null);
        PairRanking ranking = r.evaluation(PairRanking.class).orElse(null);
        List<Double> rewardPerStep = r.evaluation(RewardTrace.class).map(RewardTrace::perStep).orElse(null);
        if (json) {
            Map<String, Object> done = new TreeMap<>();
            done.put("event", "done");
            done.put("out", r.out().toString());
            done.put("steps", r.training().steps());
            done.put("examples", r.examples());
            done.put("train_loss", r.training().finalTrainLoss());
            done.put("validation_loss", r.training().finalValidationLoss());
            done.put("stopped_early", r.training().stoppedEarly());
            if (classification != null) {
                done.put("accuracy", classification.accuracy());
                done.put("macro_f1", classification.macroF1());
            }
            if (ranking != null) {
                done.put("recall_at_1", ranking.recallAt1());
                done.put("mrr", ranking.mrr());
                done.put("base_recall_at_1", ranking.baseRecallAt1());
                done.put("base_mrr", ranking.baseMrr());
            }
            if (preference != null) {
                done.put("reward_accuracy", preference.accuracy());
                done.put("reward_margin", preference.meanMargin());
            }
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(done));
            spec.commandLine().getOut().flush();
            return 0;
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s on %d examples (%d skipped as too long), %d steps, "
                        + "train loss %.4f, validation loss %s%s%n", r.out(), method, r.examples(), r.skippedTooLong(),
                r.training().steps(), r.training().finalTrainLoss(),
                r.training().finalValidationLoss() == null ? "n/a"
                        : String.format(Locale.ROOT, "%.4f", r.training().finalValidationLoss()),
                r.training().stoppedEarly() ? " (stopped early)" : "");
        if (classification != null) {
            spec.commandLine().getOut().printf(Locale.ROOT, "%s accuracy %.4f, macro-F1 %.4f on %d examples%n",
                    options.validation() == null ? "training" : "validation", classification.accuracy(),
                    classification.macroF1(), classification.examples());
        }
        if (rewardPerStep != null && !rewardPerStep.isEmpty()) {
            List<Double> rw = rewardPerStep;
            int quarter = Math.max(1, rw.size() / 4);
            spec.commandLine().getOut().printf(Locale.ROOT, "mean reward %.4f over the first %d steps, %.4f over the last %d%n",
                    rw.subList(0, quarter).stream().mapToDouble(Double::doubleValue).average().orElse(0), quarter,
                    rw.subList(rw.size() - quarter, rw.size()).stream().mapToDouble(Double::doubleValue).average().orElse(0), quarter);
        }
        if (preference != null) {
            spec.commandLine().getOut().printf(Locale.ROOT, "%s reward accuracy %.4f, mean reward margin %.4f on %d pairs%n",
                    options.validation() == null ? "training" : "validation", preference.accuracy(),
                    preference.meanMargin(), preference.pairs());
        }
        if (ranking != null) {
            spec.commandLine().getOut().printf(Locale.ROOT, "validation ranking of %d queries among %d passages: recall@1 %.4f "
                            + "(base %.4f), MRR %.4f (base %.4f)%n", ranking.queries(), ranking.passages(), ranking.recallAt1(),
                    ranking.baseRecallAt1(), ranking.mrr(), ranking.baseMrr());
        }
        return 0;
    }
}
