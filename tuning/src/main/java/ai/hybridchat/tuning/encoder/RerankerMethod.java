package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.encoder.PaddedIds;
import ai.hybridchat.core.encoder.PairScorer;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.model.Scalars;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A cross-encoder reranker fine-tuned from a pretrained encoder: a one-label
 * {@code BertForSequenceClassification} reads each (query, passage) pair and scores it; per query
 * the positive must outscore its hard negative (the pair's {@code negative}, a BM25 candidate that
 * does not hold the answer) and two other queries' positives under a softmax (a listwise loss, as
 * in RankNet's successors and sentence-transformers' {@code MultipleNegativesRankingLoss} for
 * cross-encoders). Writes the folder {@code retrieval.reranker} loads.
 */
public final class RerankerMethod implements TuningMethod {
    /** Candidates scored per query: its positive, then negatives. */
    static final int GROUP = 4;
    /** Hugging Face's BERT fine-tuning rate, a single epoch over the pairs as sentence-transformers' cross-encoder examples. */
    public static final TuningDefaults.Recipe RECIPE = new TuningDefaults.Recipe(1, 2e-5, 8, 16, List.of("query", "value"), 0);

    @Override
    public String name() {
        return "reranker";
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
        return Map.of("loss", "listwise softmax over the positive, its hard negative and in-batch positives", "group", GROUP);
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        List<TextPair> train = TextPair.read(o.data());
        List<TextPair> validation = o.validation() == null ? List.of() : TextPair.read(o.validation());
        if (train.stream().map(TextPair::positive).distinct().count() < GROUP) {
            throw new IllegalArgumentException(o.data() + ": a reranker needs at least " + GROUP + " distinct positives to contrast");
        }
        int length = Math.min(o.maxLength(), PairScorer.DEFAULT_MAX_LENGTH);
        try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder encoder = EncoderBase.load(o.base(), manager)) {
            BertSequenceClassifier scorer = BertSequenceClassifier.withNewHead(encoder.model(), 1, o.seed());
            int perEpoch = (train.size() + o.batchSize() - 1) / o.batchSize();
            int steps = o.steps() > 0 ? o.steps() : Math.max(1, o.epochs() * perEpoch / o.gradientAccumulation());
            List<NDArray> params = new ArrayList<>(encoder.model().parameters().values());
            params.addAll(scorer.headParameters());
            listener.onMessage("reranker: " + train.size() + " pairs, " + GROUP + " candidates per query, "
                    + params.stream().mapToLong(p -> p.getShape().size()).sum() + " trainable parameters, " + steps + " steps");
            Random random = new Random(o.seed());
            List<TokenBatch> plan = new ArrayList<>();
            List<TokenBatch> valBatches = new ArrayList<>();
            for (int from = 0; from < validation.size(); from += o.batchSize()) {
                valBatches.add(batch(encoder, validation.subList(from, Math.min(validation.size(), from + o.batchSize())),
                        validation, length, new Random(o.seed())));
            }
            TrainingLoop.Result result = TrainingRun.runLoop(o, steps, (b, m) -> loss(scorer, b, m), params, i -> {
                while (plan.size() <= i) {
                    List<TextPair> shuffled = new ArrayList<>(train);
                    Collections.shuffle(shuffled, random);
                    for (int from = 0; from < shuffled.size(); from += o.batchSize()) {
                        plan.add(batch(encoder, shuffled.subList(from, Math.min(shuffled.size(), from + o.batchSize())), train,
                                length, random));
                    }
                }
                return plan.get(i);
            }, valBatches, listener, cancelled);
            Map<String, Object> meta = TuningMetadata.of(o, result, train.size(), steps);
            meta.put("max_pair_length", length);
            ClassifierMethod.write(encoder, scorer, List.of("LABEL_0"), o.out(), meta);
            return new TuningResult(o.out(), result, train.size(), 0);
        }
    }

    /**
     * {@code GROUP} rows per pair: (query, positive), (query, negative) when the pair has one, then
     * positives of other pairs of {@code pool}. The targets carry the rows' segment ids.
     */
    static TokenBatch batch(SentenceEncoder encoder, List<TextPair> pairs, List<TextPair> pool, int length, Random random) {
        List<SentenceEncoder.PairIds> rows = new ArrayList<>();
        for (TextPair p : pairs) {
            List<String> candidates = new ArrayList<>();
            candidates.add(p.positive());
            if (p.negative() != null) {
                candidates.add(p.negative());
            }
            while (candidates.size() < GROUP) {
                String other = pool.get(random.nextInt(pool.size())).positive();
                if (!candidates.contains(other)) {
                    candidates.add(other);
                }
            }
            candidates.forEach(c -> rows.add(encoder.pairIds(p.query(), c, length)));
        }
        PaddedIds padded = PaddedIds.of(rows.stream().map(SentenceEncoder.PairIds::ids).toList(),
                rows.stream().map(SentenceEncoder.PairIds::typeIds).toList(), encoder.model().config().padTokenId);
        return new TokenBatch(padded.ids(), padded.types(), padded.floatMask(), padded.rows(), padded.length());
    }

    /** -log of the softmax mass on each group's first candidate (its positive), averaged over the groups. */
    static NDArray loss(BertSequenceClassifier scorer, TokenBatch batch, NDManager m) {
        NDArray mask = batch.maskArray(m).toType(DataType.INT64, false);
        NDArray logits = scorer.logits(batch.inputArray(m), batch.targetArray(m), mask);
        int groups = batch.batch() / GROUP;
        NDArray logp = logits.reshape(groups, GROUP).logSoftmax(1);
        return logp.get(new NDIndex(":, 0")).sum().div(Scalars.like(logp, -groups));
    }
}
