package ai.hybridchat.tuning;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * What every tuning method shares to train: the {@link TrainingLoop} set up from the options, the
 * identity a checkpoint records, the padding id, and the weights of the top blocks.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    /**
     * The loop every method shares: warm-up and cosine schedule, early stopping, checkpoints and
     * resume, validation four times per run unless set, and a cancelled run written nowhere.
     */
    public static TrainingLoop.Result runLoop(TuneOptions o, int steps, TrainingLoop.LossFunction loss, List<NDArray> params,
                                              IntFunction<TokenBatch> batches, List<TokenBatch> validation,
                                              ProgressListener listener, BooleanSupplier cancelled) {
        return runLoop(o, steps, loss, params, batches, validation, listener, cancelled, 0, null);
    }

    /** As above, with a check that must also hold to stop at the target loss, asked every {@code checkEvery} steps. */
    public static TrainingLoop.Result runLoop(TuneOptions o, int steps, TrainingLoop.LossFunction loss, List<NDArray> params,
                                              IntFunction<TokenBatch> batches, List<TokenBatch> validation,
                                              ProgressListener listener, BooleanSupplier cancelled, int checkEvery,
                                              BooleanSupplier learned) {
        TrainingLoop loop = new TrainingLoop(params, loss,
                new LearningRateSchedule(o.learningRate(), Math.min(o.warmupSteps(), steps / 4), steps, 0.1),
                o.weightDecay(), o.gradientAccumulation()).withEarlyStopping(o.earlyStopping())
                .withTargetLoss(TuningMethods.recipe(o.method()).stopBelowLoss());
        if (learned != null) {
            loop.withLearnedCheck(checkEvery, "every question-only training answer is learned", learned);
        }
        if (o.checkpointEvery() > 0 || o.resume()) {
            if (!o.resume() && Files.exists(o.checkpointDir())) {
                throw new IllegalArgumentException("a checkpoint of an earlier run is in " + o.checkpointDir()
                        + ": continue it with --resume, or delete it");
            }
            if (o.resume() && !Files.isDirectory(o.checkpointDir())) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + o.checkpointDir());
            }
            loop.withCheckpoints(o.checkpointDir(), o.checkpointEvery(), o.seed(), runIdentity(o), o.forceResume());
        }
        int evalEvery = o.evalEvery() > 0 ? o.evalEvery() : Math.max(1, steps / 4);
        TrainingLoop.Result result = loop.run(batches, validation, evalEvery, listener, cancelled);
        if (result.cancelled()) {
            throw new CancellationException("tuning cancelled at step " + result.steps() + "; nothing written"
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
            run.put("base_sha256", Files.isRegularFile(weights) ? TuningMetadata.sha256(weights)
                    : o.base().toAbsolutePath().normalize().toString());
            run.put("data_sha256", TuningMetadata.sha256(o.data()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + o.data() + " or the base model", e);
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

    /** The id batches are padded with: the tokenizer's pad token, else its end-of-sequence token, else 0. */
    public static long padId(TextTokenizer tokenizer) {
        String pad = tokenizer.specialToken("pad_token");
        long id = pad == null ? -1 : tokenizer.tokenId(pad);
        if (id < 0) {
            String eos = tokenizer.specialToken("eos_token");
            id = eos == null ? 0 : Math.max(0, tokenizer.tokenId(eos));
        }
        return id;
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
}
