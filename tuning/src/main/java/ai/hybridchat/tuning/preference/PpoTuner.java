package ai.hybridchat.tuning.preference;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Safetensors;
import ai.hybridchat.core.model.Scalars;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.SequenceClassifier;
import ai.hybridchat.tuning.data.ChatEncoder;
import ai.hybridchat.tuning.data.PromptDataset;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.AdamW;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * RLHF with PPO (Schulman et al., 2017; Ouyang et al., 2022), as TRL's PPO trainer with a PEFT
 * policy does it: the policy is the base with LoRA adapters and a value head on its last hidden
 * states; the reference is the same base with the adapters switched off; the reward is a reward
 * model's score of the whole conversation (a folder written by {@code reward-model}). Each step
 * samples answers to a batch of prompts, scores them, turns the score into per-token rewards with
 * a KL penalty against the reference ({@code -klCoef * (log pi - log pi_ref)} on every token, the
 * score on the last), estimates advantages with GAE (gamma 1, lambda 0.95), and makes
 * {@value #PPO_EPOCHS} clipped-objective updates (epsilon {@value #CLIP}) of the adapters and the
 * value head. Writes the adapters as a PEFT LoRA adapter (the value head is dropped, as in TRL).
 */
public final class PpoTuner implements TuningMethod {
    static final int PPO_EPOCHS = 2;
    static final float CLIP = 0.2f;
    static final float VALUE_COEF = 0.1f;
    static final double LAMBDA = 0.95;

    private final ProgressListener listener;

    /** As registered ({@link TuningMethod}): each run gets its own listener. */
    public PpoTuner() {
        this(ProgressListener.silent());
    }

    public PpoTuner(ProgressListener listener) {
        this.listener = listener;
    }

    /** One step's sampled conversations and what was measured on them before the update. */
    private record Rollout(TokenBatch batch, float[] oldLogProbs, float[] advantages, float[] returns, double meanReward,
                           double meanKl) {
    }

    @Override
    public String name() {
        return "ppo";
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        return TuningMetadata.lora(o);
    }

    @Override
    public boolean lossIsTokenCrossEntropy() {
        return false;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        return new PpoTuner(listener).run(o, cancelled);
    }

    public TuningResult run(TuneOptions o, BooleanSupplier cancelled) throws IOException {
        TuneOptions.MethodOptions mo = o.methodOptions();
        Path rewardDir = mo.rewardModel();
        if (rewardDir == null || !Files.isRegularFile(rewardDir.resolve("model.safetensors"))) {
            throw new IllegalArgumentException("ppo needs --reward-model DIR, a folder written by --method reward-model"
                    + (rewardDir == null ? "" : "; " + rewardDir + " has no model.safetensors"));
        }
        List<String> prompts = PromptDataset.read(o.data());
        try (NDManager manager = NDManager.newBaseManager();
             TextTokenizer tokenizer = TextTokenizer.load(o.base());
             LlamaModel policy = LlamaModel.load(o.base(), manager);
             LlamaModel rewardBody = LlamaModel.loadSequenceClassifierBody(rewardDir, manager)) {
            NDArray score = Safetensors.read(rewardDir.resolve("model.safetensors"), manager).get(SequenceClassifier.SCORE);
            if (score == null || score.getShape().get(0) != 1) {
                throw new IllegalArgumentException(rewardDir + " is not a reward model: it needs a one-output "
                        + SequenceClassifier.SCORE);
            }
            if (rewardBody.config().vocabSize != policy.config().vocabSize) {
                throw new IllegalArgumentException("the reward model's vocabulary (" + rewardBody.config().vocabSize
                        + ") is not the base's (" + policy.config().vocabSize + ")");
            }
            SequenceClassifier reward = new SequenceClassifier(rewardBody, score);
            ChatEncoder encoder = new ChatEncoder(tokenizer);
            long pad = TrainingRun.padId(tokenizer);
            long end = policy.config().eosTokenIds().isEmpty() ? pad : policy.config().eosTokenIds().get(0).longValue();
            List<LoraLinear> loras = LoraInjector.inject(policy, o.targetModules(), o.rank(), o.alpha(), 0.0, o.seed(),
                    policy.manager());
            List<NDArray> params = LoraInjector.startTraining(loras);
            loras.forEach(l -> l.setTraining(false));
            NDArray valueHead = policy.manager().zeros(new Shape(1, policy.config().hiddenSize));
            params.add(valueHead);
            params.forEach(p -> p.setRequiresGradient(true));
            int steps = o.steps() > 0 ? o.steps() : Math.max(1, o.epochs() * ((prompts.size() + o.batchSize() - 1) / o.batchSize()));
            LearningRateSchedule schedule = new LearningRateSchedule(o.learningRate(), Math.min(o.warmupSteps(), steps / 4), steps, 0.1);
            listener.onMessage("ppo: " + loras.size() + " LoRA projections and a value head, " + prompts.size()
                    + " prompts, " + steps + " steps of " + o.batchSize() + " answers of at most " + mo.responseTokens()
                    + " tokens, KL coefficient " + mo.klCoef());
            List<Double> rewards = new ArrayList<>();
            List<Double> kls = new ArrayList<>();
            double lastLoss = Double.NaN;
            long tokens = 0;
            long start = System.nanoTime();
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (AdamW optimizer = AdamW.standard(params, 0.0)) {
                for (int step = 0; step < steps; step++) {
                    if (cancelled != null && cancelled.getAsBoolean()) {
                        throw new CancellationException("tuning cancelled at step " + step + "; nothing written");
                    }
                    Rollout r = rollout(policy, loras, valueHead, reward, tokenizer, encoder, prompts, o, step, pad, end);
                    rewards.add(r.meanReward());
                    kls.add(r.meanKl());
                    double loss = 0;
                    double gradNorm = 0;
                    double lr = schedule.at(step);
                    for (int epoch = 0; epoch < PPO_EPOCHS; epoch++) {
                        try (NDManager m = policy.manager().newSubManager();
                             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray l = ppoLoss(policy, valueHead, r, m);
                            loss = l.getFloat();
                            collector.backward(l);
                        }
                        gradNorm = optimizer.step(lr);
                    }
                    lastLoss = loss;
                    tokens += (long) r.batch().batch() * r.batch().length();
                    double tps = tokens / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                    long eta = (long) ((steps - step - 1) * ((System.nanoTime() - start) / 1e9 / (step + 1)));
                    listener.onStep(new ProgressListener.StepReport(step + 1, steps, loss, lr, gradNorm, tps, eta));
                    listener.onMessage(String.format(Locale.ROOT, "ppo step %d: mean reward %.4f, KL %.4f",
                            step + 1, r.meanReward(), r.meanKl()));
                }
            } finally {
                JniUtils.setGradMode(gradMode);
            }
            TrainingLoop.Result result = new TrainingLoop.Result(lastLoss, null, steps,
                    tokens / Math.max(1e-9, (System.nanoTime() - start) / 1e9), false, false);
            Map<String, Object> meta = TuningMetadata.of(o, result, prompts.size(), steps);
            @SuppressWarnings("unchecked")
            Map<String, Object> metrics = (Map<String, Object>) meta.get("metrics");
            metrics.remove("validation_perplexity");
            metrics.put("mean_reward_per_step", rewards);
            metrics.put("kl_per_step", kls);
            @SuppressWarnings("unchecked")
            Map<String, Object> hp = (Map<String, Object>) meta.get("hyperparameters");
            hp.put("reward_model", rewardDir.toString());
            hp.put("kl_coef", mo.klCoef());
            hp.put("response_tokens", mo.responseTokens());
            hp.put("ppo_epochs", PPO_EPOCHS);
            hp.put("clip", CLIP);
            TuningOutputs.writeLoraAdapter(policy, o, meta);
            return new TuningResult(o.out(), result, prompts.size(), 0, new RewardTrace(rewards));
        }
    }

    /** Samples, scores and measures one batch of answers with the policy as it is now. */
    private static Rollout rollout(LlamaModel policy, List<LoraLinear> loras, NDArray valueHead, SequenceClassifier reward,
                                   TextTokenizer tokenizer, ChatEncoder encoder, List<String> prompts, TuneOptions o,
                                   int step, long pad, long end) {
        Random random = new Random(o.seed() * 7919 + step);
        int n = o.batchSize();
        List<ChatEncoder.Encoded> rows = new ArrayList<>();
        Generator generator = new Generator(policy, tokenizer, Set.copyOf(policy.config().eosTokenIds().stream()
                .map(Integer::longValue).toList()));
        for (int i = 0; i < n; i++) {
            String prompt = prompts.get(random.nextInt(prompts.size()));
            long[] promptIds = encoder.encodePrompt(List.of(new ChatTemplate.Message("user", prompt)));
            GenerationConfig sampling = new GenerationConfig(o.methodOptions().responseTokens(), 1.0, 0, 1.0, 1.0,
                    random.nextLong(), List.of());
            Generator.Result answer = generator.generate(promptIds, sampling, null, null);
            long[] response = answer.tokenIds();
            if (answer.finishReason() == Generator.FinishReason.EOS) {
                response = Arrays.copyOf(response, response.length + 1);
                response[response.length - 1] = end; // the policy learns when to stop, too
            }
            if (response.length == 0) {
                response = new long[] {end};
            }
            long[] ids = Arrays.copyOf(promptIds, promptIds.length + response.length);
            System.arraycopy(response, 0, ids, promptIds.length, response.length);
            boolean[] trained = new boolean[ids.length];
            for (int p = promptIds.length - 1; p < ids.length - 1; p++) {
                trained[p] = true;
            }
            rows.add(new ChatEncoder.Encoded(ids, trained));
        }
        int length = rows.stream().mapToInt(r -> r.length() - 1).max().orElse(1);
        TokenBatch batch = ChatEncoder.batch(rows, length, pad);
        float[] oldLogProbs;
        float[] values;
        float[] refLogProbs;
        float[] scores;
        try (NDManager m = policy.manager().newSubManager()) {
            NDArray hidden = policy.textHiddenStates(batch.inputArray(m), null);
            oldLogProbs = CrossEntropy.tokenLogProbsFromHidden(policy, hidden, batch.targetArray(m)).toFloatArray();
            values = values(hidden, valueHead).toFloatArray();
            loras.forEach(l -> l.setEnabled(false));
            try {
                NDArray refHidden = policy.textHiddenStates(batch.inputArray(m), null);
                refLogProbs = CrossEntropy.tokenLogProbsFromHidden(policy, refHidden, batch.targetArray(m)).toFloatArray();
            } finally {
                loras.forEach(l -> l.setEnabled(true));
            }
            // the reward model was trained on conversations that end with the end of the turn: score
            // an answer cut at the length limit as if it ended there
            List<ChatEncoder.Encoded> ended = new ArrayList<>();
            for (ChatEncoder.Encoded row : rows) {
                long[] ids = row.ids();
                if (ids[ids.length - 1] != end) {
                    ids = Arrays.copyOf(ids, ids.length + 1);
                    ids[ids.length - 1] = end;
                }
                ended.add(new ChatEncoder.Encoded(ids, row.trained()));
            }
            scores = reward.logits(RewardModelTuner.lastTokenBatch(ended, pad), m).reshape(-1).toFloatArray();
        }
        int t = batch.length();
        float[] mask = batch.mask();
        float[] advantages = new float[mask.length];
        float[] returns = new float[mask.length];
        double klSum = 0;
        for (int b = 0; b < n; b++) {
            int last = -1;
            for (int p = 0; p < t; p++) {
                if (mask[b * t + p] > 0) {
                    last = p;
                }
            }
            double nextValue = 0;
            double gae = 0;
            for (int p = last; p >= 0 && mask[b * t + p] > 0; p--) {
                int i = b * t + p;
                double kl = oldLogProbs[i] - refLogProbs[i];
                klSum += kl;
                double rewardHere = -o.methodOptions().klCoef() * kl + (p == last ? scores[b] : 0);
                double delta = rewardHere + nextValue - values[i];
                gae = delta + LAMBDA * gae;
                advantages[i] = (float) gae;
                returns[i] = (float) (gae + values[i]);
                nextValue = values[i];
            }
        }
        whiten(advantages, mask);
        double meanReward = 0;
        for (float s : scores) {
            meanReward += s / n;
        }
        return new Rollout(batch, oldLogProbs, advantages, returns, meanReward, klSum / n);
    }

    /** The value head's estimate at every position, {@code [B * T]}. */
    private static NDArray values(NDArray hidden, NDArray valueHead) {
        return hidden.getNDArrayInternal().linear(hidden, valueHead, null).singletonOrThrow().reshape(-1);
    }

    /** The clipped surrogate objective plus the value loss, over the answer tokens. */
    static NDArray ppoLoss(LlamaModel policy, NDArray valueHead, Rollout r, NDManager m) {
        TokenBatch batch = r.batch();
        NDArray hidden = policy.textHiddenStates(batch.inputArray(m), null);
        NDArray logProbs = CrossEntropy.tokenLogProbsFromHidden(policy, hidden, batch.targetArray(m));
        NDArray mask = m.create(batch.mask());
        NDArray advantages = m.create(r.advantages());
        NDArray ratio = logProbs.sub(m.create(r.oldLogProbs())).exp();
        NDArray unclipped = ratio.mul(advantages);
        NDArray clipped = ratio.clip(1 - CLIP, 1 + CLIP).mul(advantages);
        NDArray tokens = mask.sum().maximum(Scalars.like(mask, 1f));
        NDArray policyLoss = unclipped.minimum(clipped).mul(mask).sum().neg().div(tokens);
        NDArray valueError = values(hidden, valueHead).sub(m.create(r.returns()));
        NDArray valueLoss = Scalars.mul(valueError.square().mul(mask).sum().div(tokens), 0.5f * VALUE_COEF);
        return policyLoss.add(valueLoss);
    }

    /** Zero mean, unit variance over the answer tokens (PPO's usual advantage normalisation). */
    private static void whiten(float[] x, float[] mask) {
        double sum = 0;
        double count = 0;
        for (int i = 0; i < x.length; i++) {
            sum += mask[i] * x[i];
            count += mask[i];
        }
        double mean = sum / Math.max(1, count);
        double var = 0;
        for (int i = 0; i < x.length; i++) {
            var += mask[i] * (x[i] - mean) * (x[i] - mean);
        }
        double std = Math.sqrt(var / Math.max(1, count)) + 1e-8;
        for (int i = 0; i < x.length; i++) {
            x[i] = mask[i] > 0 ? (float) ((x[i] - mean) / std) : 0f;
        }
    }
}
