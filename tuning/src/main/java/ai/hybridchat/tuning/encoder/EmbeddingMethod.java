package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningDefaults;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Contrastive fine-tuning of a sentence encoder for retrieval: every weight trains on
 * (query, positive[, negative]) pairs with the multiple-negatives ranking loss, the other pairs of
 * a batch serving as negatives. Writes a sentence-transformers folder (Hugging Face
 * {@code config.json} and {@code model.safetensors}, {@code tokenizer.json}, pooling config) that
 * the retrieval module loads as its embedding model ({@code retrieval.embeddingModel}), with
 * {@code training.json}; with {@code --val} pairs, recall@1 and MRR of the base and of the tuned
 * model on them.
 */
public final class EmbeddingMethod implements TuningMethod {
    /**
     * sentence-transformers' fine-tuning defaults for a MiniLM: learning rate 2e-5, a few epochs,
     * warm-up over the first tenth (the loop's default warm-up is the lesser of its steps and a
     * quarter of the run).
     */
    public static final TuningDefaults.Recipe RECIPE = new TuningDefaults.Recipe(3, 2e-5, 8, 16, List.of("query", "value"), 0);

    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public TuningDefaults.Recipe recipe() {
        return RECIPE;
    }

    @Override
    public boolean lossIsTokenCrossEntropy() {
        return false;
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        return Map.of("loss", "MultipleNegativesRankingLoss", "scale", MultipleNegativesRankingLoss.SCALE);
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        List<TextPair> train = TextPair.read(o.data());
        List<TextPair> validation = o.validation() == null ? List.of() : TextPair.read(o.validation());
        boolean negatives = train.stream().allMatch(p -> p.negative() != null);
        try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder encoder = EncoderBase.load(o.base(), manager)) {
            ContrastiveBatches batching = new ContrastiveBatches(encoder, o.maxLength(), negatives);
            int perEpoch = batching.epoch(train, o.batchSize(), new Random(o.seed())).size();
            int steps = o.steps() > 0 ? o.steps() : Math.max(1, o.epochs() * perEpoch / o.gradientAccumulation());
            List<NDArray> params = new ArrayList<>(encoder.model().parameters().values());
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            double[] before = validation.isEmpty() ? null : PairRanking.measure(encoder, validation, train);
            listener.onMessage(String.format(Locale.ROOT, "embedding: %d pairs%s, in-batch negatives of batch %d, %d trainable parameters, %d steps%s",
                    train.size(), negatives ? " with hard negatives" : "", o.batchSize(), trainable, steps,
                    before == null ? "" : String.format(Locale.ROOT, "; base on --val: recall@1 %.3f, MRR %.3f", before[0], before[1])));
            Random random = new Random(o.seed());
            List<TokenBatch> plan = new ArrayList<>();
            List<TokenBatch> valBatches = new ArrayList<>();
            for (int from = 0; from < validation.size(); from += o.batchSize()) {
                valBatches.add(batching.batch(validation.subList(from, Math.min(validation.size(), from + o.batchSize()))));
            }
            TrainingLoop.Result result = TrainingRun.runLoop(o, steps, new MultipleNegativesRankingLoss(encoder, batching.groups()),
                    params, i -> {
                        while (plan.size() <= i) {
                            plan.addAll(batching.epoch(train, o.batchSize(), random));
                        }
                        return plan.get(i);
                    }, valBatches, listener, cancelled);
            PairRanking ranking = null;
            if (before != null) {
                double[] after = PairRanking.measure(encoder, validation, train);
                ranking = new PairRanking(validation.size(), (int) after[2], before[0], before[1], after[0], after[1]);
                listener.onMessage(String.format(Locale.ROOT, "tuned on --val: recall@1 %.3f (base %.3f), MRR %.3f (base %.3f)",
                        after[0], before[0], after[1], before[1]));
            }
            Map<String, Object> meta = TuningMetadata.of(o, result, train.size(), steps);
            if (ranking != null) {
                meta.put("validation_ranking", ranking);
            }
            write(encoder, o.out(), meta);
            return new TuningResult(o.out(), result, train.size(), 0, ranking);
        }
    }

    /** The tuned encoder as a sentence-transformers folder, published atomically. */
    static void write(SentenceEncoder encoder, Path out, Map<String, Object> meta) throws IOException {
        Path staging = AtomicFiles.stagingFor(out);
        try {
            encoder.save(staging);
            AtomicFiles.writeString(staging.resolve("training.json"), TuningMetadata.json(meta));
            AtomicFiles.publishDirectory(staging, out);
        } catch (IOException | RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }
}
