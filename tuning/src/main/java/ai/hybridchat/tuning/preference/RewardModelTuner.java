package ai.hybridchat.tuning.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.SequenceClassifier;
import ai.hybridchat.tuning.data.ChatEncoder;
import ai.hybridchat.tuning.data.PreferenceDataset;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A reward model (Ouyang et al., 2022, as TRL's {@code RewardTrainer} makes one): the pretrained
 * model with a new one-output head over the last real token's hidden state (Hugging Face's
 * {@code LlamaForSequenceClassification} with one label), trained on preference pairs with the
 * Bradley-Terry loss {@code -log sigmoid(r(prompt, chosen) - r(prompt, rejected))}. The top
 * {@code --top-layers} blocks and the head train; the rest stays frozen. Reports pairwise accuracy
 * (chosen scored above rejected) on the validation pairs, or the training pairs without them.
 */
public final class RewardModelTuner implements TuningMethod {
    private final ProgressListener listener;

    /** As registered ({@link TuningMethod}): each run gets its own listener. */
    public RewardModelTuner() {
        this(ProgressListener.silent());
    }

    public RewardModelTuner(ProgressListener listener) {
        this.listener = listener;
    }

    /** A conversation (prompt and answer through the chat template) as token ids. */
    private record Pair(long[] chosen, long[] rejected) {
    }

    @Override
    public String name() {
        return "reward-model";
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        return Map.of("top_layers", o.methodOptions().topLayers());
    }

    @Override
    public boolean lossIsTokenCrossEntropy() {
        return false;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        return new RewardModelTuner(listener).run(o, cancelled);
    }

    public TuningResult run(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            ChatEncoder encoder = new ChatEncoder(tokenizer);
            List<Pair> train = encode(PreferenceDataset.read(o.data()), encoder, o.maxLength());
            List<Pair> validation = o.validation() == null ? List.of()
                    : encode(PreferenceDataset.read(o.validation()), encoder, o.maxLength());
            SequenceClassifier reward = SequenceClassifier.withNewHead(model, 1, o.seed());
            long pad = TrainingRun.padId(tokenizer);
            int perEpoch = (train.size() + o.batchSize() - 1) / o.batchSize();
            int steps = o.steps() > 0 ? o.steps() : Math.max(1, o.epochs() * perEpoch / o.gradientAccumulation());
            List<NDArray> params = TrainingRun.topLayers(model, o.methodOptions().topLayers());
            params.add(reward.score());
            listener.onMessage("reward-model: top " + o.methodOptions().topLayers() + " block(s) and a one-output head, "
                    + params.stream().mapToLong(p -> p.getShape().size()).sum() + " trainable parameters, "
                    + train.size() + " pairs, " + steps + " steps");
            TrainingLoop.LossFunction loss = (batch, m) -> bradleyTerry(reward, batch, m);
            TrainingLoop.Result result = TrainingRun.runLoop(o, steps, loss, params, i -> {
                List<Pair> order = new ArrayList<>(train);
                Collections.shuffle(order, new Random(o.seed() + i / perEpoch));
                int from = (i % perEpoch) * o.batchSize();
                return batch(order.subList(from, Math.min(order.size(), from + o.batchSize())), pad);
            }, batches(validation, o.batchSize(), pad), listener, cancelled);

            List<Pair> scored = validation.isEmpty() ? train : validation;
            PreferenceMetrics metrics = evaluate(reward, model, batches(scored, o.batchSize(), pad));
            listener.onMessage(String.format(Locale.ROOT,
                    "reward-model: chosen scored higher for %.1f%% of %d %s pairs, mean margin %.3f",
                    100 * metrics.accuracy(), metrics.pairs(), validation.isEmpty() ? "training" : "validation",
                    metrics.meanMargin()));
            Map<String, Object> meta = TuningMetadata.of(o, result, train.size(), steps);
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) meta.get("metrics");
            m.remove("validation_perplexity"); // a Bradley-Terry loss is not a token cross-entropy
            m.put((validation.isEmpty() ? "train" : "validation") + "_pairwise_accuracy", metrics.accuracy());
            m.put((validation.isEmpty() ? "train" : "validation") + "_reward_margin", metrics.meanMargin());
            ObjectNode patch = Json.MAPPER.createObjectNode();
            patch.putArray("architectures").add("LlamaForSequenceClassification");
            patch.put("num_labels", 1);
            patch.putObject("id2label").put("0", "LABEL_0");
            patch.putObject("label2id").put("LABEL_0", 0);
            patch.put("pad_token_id", pad);
            TuningOutputs.writeModelFolder(model, o, meta, Map.of(SequenceClassifier.SCORE, reward.score()), patch);
            return new TuningResult(o.out(), result, train.size(), 0, metrics);
        }
    }

    private static List<Pair> encode(List<PreferenceDataset.Pair> pairs, ChatEncoder encoder, int maxLength) {
        List<Pair> out = new ArrayList<>();
        for (PreferenceDataset.Pair p : pairs) {
            List<ChatTemplate.Message> prompt = List.of(new ChatTemplate.Message("user", p.prompt()));
            long[] chosen = encoder.encode(prompt, p.chosen()).ids();
            long[] rejected = encoder.encode(prompt, p.rejected()).ids();
            if (chosen.length <= maxLength && rejected.length <= maxLength) {
                out.add(new Pair(chosen, rejected));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("every preference pair is longer than --max-length " + maxLength);
        }
        return out;
    }

    /** Chosen conversations in the first half of the rows, rejected ones in the second; the mask marks each last token. */
    static TokenBatch batch(List<Pair> pairs, long pad) {
        List<long[]> rows = new ArrayList<>();
        pairs.forEach(p -> rows.add(p.chosen()));
        pairs.forEach(p -> rows.add(p.rejected()));
        return lastTokenRows(rows, pad);
    }

    /** Whole conversations to score, one per row; the mask marks each row's last token (the one pooled). */
    static TokenBatch lastTokenBatch(List<ChatEncoder.Encoded> conversations, long pad) {
        return lastTokenRows(conversations.stream().map(ChatEncoder.Encoded::ids).toList(), pad);
    }

    private static TokenBatch lastTokenRows(List<long[]> rows, long pad) {
        int length = rows.stream().mapToInt(r -> r.length).max().orElse(1);
        long[] inputs = new long[rows.size() * length];
        long[] targets = new long[rows.size() * length];
        float[] mask = new float[rows.size() * length];
        Arrays.fill(inputs, pad);
        for (int b = 0; b < rows.size(); b++) {
            long[] ids = rows.get(b);
            System.arraycopy(ids, 0, inputs, b * length, ids.length);
            mask[b * length + ids.length - 1] = 1f;
        }
        return new TokenBatch(inputs, targets, mask, rows.size(), length);
    }

    private static List<TokenBatch> batches(List<Pair> pairs, int size, long pad) {
        List<TokenBatch> out = new ArrayList<>();
        for (int b = 0; b < pairs.size(); b += size) {
            out.add(batch(pairs.subList(b, Math.min(pairs.size(), b + size)), pad));
        }
        return out;
    }

    /** Mean {@code -log sigmoid(r_chosen - r_rejected)} over the batch's pairs. */
    static NDArray bradleyTerry(SequenceClassifier reward, TokenBatch batch, NDManager m) {
        NDArray r = reward.logits(batch, m).reshape(-1);
        int k = batch.batch() / 2;
        NDArray margin = r.get(new NDIndex("0:{}", k)).sub(r.get(new NDIndex("{}:", k)));
        return Activation.softPlus(margin.neg()).mean();
    }

    private static PreferenceMetrics evaluate(SequenceClassifier reward, LlamaModel model, List<TokenBatch> batches) {
        List<Double> margins = new ArrayList<>();
        TrainingLoop.withoutGradients(() -> {
            for (TokenBatch b : batches) {
                try (NDManager m = model.manager().newSubManager()) {
                    float[] r = reward.logits(b, m).reshape(-1).toFloatArray();
                    int k = b.batch() / 2;
                    for (int i = 0; i < k; i++) {
                        margins.add((double) r[i] - r[k + i]);
                    }
                }
            }
        });
        int n = margins.size();
        long right = margins.stream().filter(d -> d > 0).count();
        double mean = margins.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new PreferenceMetrics(n == 0 ? 0 : (double) right / n, mean, n);
    }

}
