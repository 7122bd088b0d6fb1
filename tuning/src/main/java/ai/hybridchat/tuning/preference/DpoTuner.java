package ai.hybridchat.tuning.preference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Scalars;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.data.ChatEncoder;
import ai.hybridchat.tuning.data.PreferenceDataset;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.CrossEntropy;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Direct Preference Optimization (Rafailov et al., 2023) with LoRA: the policy is the base with
 * LoRA adapters, the reference is the base itself. The loss of a pair is
 * {@code -log sigmoid(beta * ((log pi(y_w|x) - log pi_ref(y_w|x)) - (log pi(y_l|x) - log pi_ref(y_l|x))))},
 * with sequence log-probabilities summed over the answer's tokens. The reference log-probabilities
 * are computed once, before the adapters exist (as TRL's {@code precompute_ref_log_probs} does),
 * so no second model is held. Since LoRA's B starts at zero, the policy starts as the reference and
 * the first loss is ln 2. Writes a PEFT LoRA adapter, like {@code lora}.
 */
public final class DpoTuner implements TuningMethod {
    private final ProgressListener listener;

    /** As registered ({@link TuningMethod}): each run gets its own listener. */
    public DpoTuner() {
        this(ProgressListener.silent());
    }

    public DpoTuner(ProgressListener listener) {
        this.listener = listener;
    }

    /** Encoded pairs: row {@code i} of {@code chosen} and {@code rejected} answer prompt {@code i}. */
    record Encoded(List<ChatEncoder.Encoded> chosen, List<ChatEncoder.Encoded> rejected) {
        int size() {
            return chosen.size();
        }
    }

    /** Batches of pairs, each a {@link TokenBatch} of the chosen rows then the rejected rows. */
    private static final class PairBatches {
        private final Encoded pairs;
        private final int pairsPerBatch;
        private final long pad;
        private final long seed;
        private final Map<TokenBatch, int[]> members;

        PairBatches(Encoded pairs, int pairsPerBatch, long pad, long seed, Map<TokenBatch, int[]> members) {
            this.pairs = pairs;
            this.pairsPerBatch = pairsPerBatch;
            this.pad = pad;
            this.seed = seed;
            this.members = members;
        }

        int perEpoch() {
            return (pairs.size() + pairsPerBatch - 1) / pairsPerBatch;
        }

        /** Batch {@code i} of the run: epochs in their own seeded order, so a resumed run sees the same batches. */
        TokenBatch get(int i) {
            int epoch = i / perEpoch();
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < pairs.size(); p++) {
                order.add(p);
            }
            Collections.shuffle(order, new Random(seed + epoch));
            int from = (i % perEpoch()) * pairsPerBatch;
            return of(order.subList(from, Math.min(order.size(), from + pairsPerBatch)));
        }

        List<TokenBatch> inOrder() {
            List<TokenBatch> out = new ArrayList<>();
            for (int from = 0; from < pairs.size(); from += pairsPerBatch) {
                List<Integer> group = new ArrayList<>();
                for (int p = from; p < Math.min(pairs.size(), from + pairsPerBatch); p++) {
                    group.add(p);
                }
                out.add(of(group));
            }
            return out;
        }

        private TokenBatch of(List<Integer> group) {
            List<ChatEncoder.Encoded> rows = new ArrayList<>();
            group.forEach(p -> rows.add(pairs.chosen().get(p)));
            group.forEach(p -> rows.add(pairs.rejected().get(p)));
            int length = rows.stream().mapToInt(r -> r.length() - 1).max().orElse(1);
            TokenBatch batch = ChatEncoder.batch(rows, length, pad);
            members.put(batch, group.stream().mapToInt(Integer::intValue).toArray());
            return batch;
        }
    }

    @Override
    public String name() {
        return "dpo";
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        Map<String, Object> hp = new LinkedHashMap<>(TuningMetadata.lora(o));
        hp.put("beta", o.methodOptions().beta());
        return hp;
    }

    @Override
    public boolean lossIsTokenCrossEntropy() {
        return false;
    }

    @Override
    public boolean writesSwappableAdapter() {
        return true;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        return new DpoTuner(listener).run(o, cancelled);
    }

    public TuningResult run(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        double beta = o.methodOptions().beta();
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            ChatEncoder encoder = new ChatEncoder(tokenizer);
            Encoded train = encode(PreferenceDataset.read(o.data()), encoder, o.maxLength());
            Encoded validation = o.validation() == null ? new Encoded(List.of(), List.of())
                    : encode(PreferenceDataset.read(o.validation()), encoder, o.maxLength());
            if (train.size() == 0) {
                throw new IllegalArgumentException("every preference pair is longer than --max-length " + o.maxLength());
            }
            long pad = TrainingRun.padId(tokenizer);
            Map<TokenBatch, int[]> members = new IdentityHashMap<>();
            PairBatches trainBatches = new PairBatches(train, o.batchSize(), pad, o.seed(), members);
            PairBatches valBatches = new PairBatches(validation, o.batchSize(), pad, o.seed(), new IdentityHashMap<>());
            List<TokenBatch> valList = valBatches.inOrder();
            Map<TokenBatch, int[]> valMembers = valBatches.members;

            // the reference: the base, before any adapter exists
            float[][] trainRef = margins(model, trainBatches.inOrder(), members, train.size());
            float[][] valRef = margins(model, valList, valMembers, validation.size());

            List<LoraLinear> loras = LoraInjector.inject(model, o.targetModules(), o.rank(), o.alpha(), o.dropout(),
                    o.seed(), model.manager());
            List<NDArray> params = LoraInjector.startTraining(loras);
            int steps = o.steps() > 0 ? o.steps()
                    : Math.max(1, o.epochs() * trainBatches.perEpoch() / o.gradientAccumulation());
            listener.onMessage("dpo: beta " + beta + ", " + loras.size() + " LoRA projections, "
                    + params.stream().mapToLong(p -> p.getShape().size()).sum() + " trainable parameters, "
                    + train.size() + " pairs, " + steps + " steps");
            TrainingLoop.LossFunction loss = (batch, m) -> {
                // a training batch is made for its step and used once: forget it then, so a long run
                // keeps no batches; the validation batches are the same few every time
                int[] group = members.remove(batch);
                return group != null ? dpoLoss(model, batch, group, trainRef, beta, m)
                        : dpoLoss(model, batch, valMembers.get(batch), valRef, beta, m);
            };
            TrainingLoop.Result result = TrainingRun.runLoop(o, steps, loss, params, trainBatches::get, valList, listener, cancelled);
            for (LoraLinear l : loras) {
                l.setTraining(false);
            }
            PreferenceMetrics trainMetrics = metrics(model, trainBatches.inOrder(), members, trainRef, beta);
            PreferenceMetrics valMetrics = validation.size() == 0 ? null
                    : metrics(model, valList, valMembers, valRef, beta);
            PreferenceMetrics reported = valMetrics != null ? valMetrics : trainMetrics;
            listener.onMessage(String.format(Locale.ROOT,
                    "dpo: chosen preferred for %.1f%% of %d %s pairs, mean reward margin %.3f",
                    100 * reported.accuracy(), reported.pairs(), valMetrics != null ? "validation" : "training",
                    reported.meanMargin()));
            Map<String, Object> meta = TuningMetadata.of(o, result, train.size(), steps);
            @SuppressWarnings("unchecked")
            Map<String, Object> metrics = (Map<String, Object>) meta.get("metrics");
            metrics.remove("validation_perplexity"); // a DPO loss is not a token cross-entropy
            metrics.put("train_reward_accuracy", trainMetrics.accuracy());
            metrics.put("train_reward_margin", trainMetrics.meanMargin());
            if (valMetrics != null) {
                metrics.put("validation_reward_accuracy", valMetrics.accuracy());
                metrics.put("validation_reward_margin", valMetrics.meanMargin());
            }
            TuningOutputs.writeLoraAdapter(model, o, meta);
            return new TuningResult(o.out(), result, train.size(), 0, reported);
        }
    }

    private static Encoded encode(List<PreferenceDataset.Pair> pairs, ChatEncoder encoder, int maxLength) {
        List<ChatEncoder.Encoded> chosen = new ArrayList<>();
        List<ChatEncoder.Encoded> rejected = new ArrayList<>();
        for (PreferenceDataset.Pair p : pairs) {
            List<ChatTemplate.Message> prompt = List.of(new ChatTemplate.Message("user", p.prompt()));
            ChatEncoder.Encoded c = encoder.encode(prompt, p.chosen());
            ChatEncoder.Encoded r = encoder.encode(prompt, p.rejected());
            if (c.length() - 1 <= maxLength && r.length() - 1 <= maxLength) {
                chosen.add(c);
                rejected.add(r);
            }
        }
        return new Encoded(chosen, rejected);
    }

    /**
     * The DPO loss of a batch: its first half are chosen answers, its second half the rejected
     * answers to the same prompts; {@code ref[0]}/{@code ref[1]} hold the reference log-probabilities.
     */
    static NDArray dpoLoss(LlamaModel model, TokenBatch batch, int[] group, float[][] ref, double beta, NDManager m) {
        NDArray logps = CrossEntropy.sequenceLogProbs(model, batch.inputArray(m), batch.targetArray(m), batch.maskArray(m));
        int k = group.length;
        float[] refMargin = new float[k];
        for (int i = 0; i < k; i++) {
            refMargin[i] = ref[0][group[i]] - ref[1][group[i]];
        }
        NDArray policyMargin = logps.get(new NDIndex("0:{}", k)).sub(logps.get(new NDIndex("{}:", k)));
        NDArray z = Scalars.mul(policyMargin.sub(m.create(refMargin)), (float) beta);
        return Activation.softPlus(z.neg()).mean();
    }

    /** Sequence log-probabilities under the model as it is now: {chosen[], rejected[]} by pair. */
    private static float[][] margins(LlamaModel model, List<TokenBatch> batches, Map<TokenBatch, int[]> members, int pairs) {
        float[][] out = new float[2][pairs];
        TrainingLoop.withoutGradients(() -> {
            for (TokenBatch b : batches) {
                int[] group = members.get(b);
                try (NDManager m = model.manager().newSubManager()) {
                    float[] logps = CrossEntropy.sequenceLogProbs(model, b.inputArray(m), b.targetArray(m), b.maskArray(m))
                            .toFloatArray();
                    for (int i = 0; i < group.length; i++) {
                        out[0][group[i]] = logps[i];
                        out[1][group[i]] = logps[group.length + i];
                    }
                }
            }
        });
        return out;
    }

    private static PreferenceMetrics metrics(LlamaModel model, List<TokenBatch> batches, Map<TokenBatch, int[]> members,
                                             float[][] ref, double beta) {
        float[][] now = margins(model, batches, members, ref[0].length);
        int right = 0;
        double margin = 0;
        for (int p = 0; p < ref[0].length; p++) {
            double reward = beta * ((now[0][p] - ref[0][p]) - (now[1][p] - ref[1][p]));
            right += reward > 0 ? 1 : 0;
            margin += reward;
        }
        int n = ref[0].length;
        return new PreferenceMetrics(n == 0 ? 0 : (double) right / n, n == 0 ? 0 : margin / n, n);
    }

}
