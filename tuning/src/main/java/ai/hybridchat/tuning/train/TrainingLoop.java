package ai.hybridchat.tuning.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.hybridchat.core.model.Scalars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * The optimisation loop every method shares: for each step, accumulate gradients over micro
 * batches, clip, apply AdamW at the scheduled learning rate, report progress, and run the
 * validation loss every so often. The method supplies only the loss of a batch.
 */
public final class TrainingLoop {
    /** The loss of one batch, built from arrays owned by {@code manager}. */
    public interface LossFunction {
        NDArray loss(TokenBatch batch, NDManager manager);
    }

    public record Result(double finalTrainLoss, Double finalValidationLoss, int steps, double tokensPerSecond, boolean cancelled,
                         boolean stoppedEarly) {
    }

    private final List<NDArray> parameters;
    private final LossFunction lossFunction;
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final int accumulation;
    private int patience;
    private double targetLoss;
    private int learnedCheckEvery;
    private BooleanSupplier learned;
    private String learnedWhat;
    private Path checkpointDir;
    private int checkpointEvery;
    private long seed;
    private Map<String, Object> run;
    private boolean forceResume;

    public TrainingLoop(List<NDArray> parameters, LossFunction lossFunction, LearningRateSchedule schedule,
                        double weightDecay, int accumulation) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no trainable parameters");
        }
        this.parameters = parameters;
        this.lossFunction = lossFunction;
        this.schedule = schedule;
        this.weightDecay = weightDecay;
        this.accumulation = Math.max(1, accumulation);
    }

    /**
     * Stops a run once {@code evaluations} validations in a row have not improved on the best
     * validation loss (early stopping); 0 never stops.
     */
    public TrainingLoop withEarlyStopping(int evaluations) {
        this.patience = evaluations;
        return this;
    }

    /**
     * Stops a run once the smoothed training loss (the moving average the progress shows) is below
     * {@code loss}, after at least a quarter of its steps; 0 never stops. A small question/answer
     * set is learned long before a fixed number of epochs ends (docs/MODEL_CARD.md).
     */
    public TrainingLoop withTargetLoss(double loss) {
        this.targetLoss = loss;
        return this;
    }

    /**
     * With a target loss, stops only when {@code learned} (described as {@code what}) also holds, asked at every
     * {@code every}-th step (an epoch's end) once the smoothed loss is below the target; until
     * then training goes on to its last step. A loss averaged over a few steps can be low while a
     * few examples are not learned yet (measured on the kite catalogue: runs stopped at a smoothed
     * 0.02 missed up to 4 of 40 facts on one machine and none on another).
     */
    public TrainingLoop withLearnedCheck(int every, String what, BooleanSupplier learned) {
        this.learnedCheckEvery = Math.max(1, every);
        this.learnedWhat = what;
        this.learned = learned;
        return this;
    }

    /**
     * Writes a {@link Checkpoint} to {@code dir} every {@code every} steps and, if {@code dir}
     * already holds one, resumes from it. Each step reseeds the engine's random generator from
     * {@code seed} and the step number (dropout masks), so a resumed run ends with exactly the
     * weights of an uninterrupted one.
     */
    public TrainingLoop withCheckpoints(Path dir, int every, long seed) {
        return withCheckpoints(dir, every, seed, null, false);
    }

    /**
     * As above; {@code run} (method, data hash, hyper-parameters) is recorded in each checkpoint,
     * and a checkpoint that records other settings is refused unless {@code forceResume}.
     */
    public TrainingLoop withCheckpoints(Path dir, int every, long seed, Map<String, Object> run,
                                        boolean forceResume) {
        this.checkpointDir = dir;
        this.checkpointEvery = every;
        this.seed = seed;
        this.run = run;
        this.forceResume = forceResume;
        return this;
    }

    /**
     * Runs {@code schedule.totalSteps()} steps. {@code trainBatches} gives micro batch {@code i};
     * {@code validation} (nullable) is evaluated every {@code evalEvery} steps and at the end.
     */
    public Result run(IntFunction<TokenBatch> trainBatches, List<TokenBatch> validation, int evalEvery,
                      ProgressListener listener, BooleanSupplier cancelled) {
        // PyTorch's grad mode is per thread and on by default in a new one; DJL's GradientCollector
        // only restores what it found, so on a server's job thread the optimizer's in-place updates
        // would run with grad mode on and fail ("a leaf Variable that requires grad is being used
        // in an in-place operation"). Outside the collector, this loop wants it off.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return runSteps(trainBatches, validation, evalEvery, listener, cancelled);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private Result runSteps(IntFunction<TokenBatch> trainBatches, List<TokenBatch> validation, int evalEvery,
                            ProgressListener listener, BooleanSupplier cancelled) {
        for (NDArray p : parameters) {
            p.setRequiresGradient(true);
        }
        NDManager root = parameters.get(0).getManager();
        double smoothed = Double.NaN;
        Double validationLoss = null;
        long tokens = 0;
        long start = System.nanoTime();
        int total = schedule.totalSteps();
        int step = 0;
        double best = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        try (AdamW optimizer = AdamW.standard(parameters, weightDecay)) {
            int first = 0;
            if (checkpointDir != null) {
                Checkpoint resumed = restore(optimizer);
                if (resumed != null) {
                    first = resumed.step();
                    smoothed = resumed.smoothedLoss();
                    listener.onMessage("resuming from the checkpoint at step " + first + " in " + checkpointDir);
                }
            }
            for (step = first; step < total; step++) {
                if (checkpointDir != null) {
                    // dropout draws from the engine's generator: make it a function of the step
                    Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + step));
                }
                if (cancelled != null && cancelled.getAsBoolean()) {
                    return new Result(smoothed, validationLoss, step, rate(tokens, start), true, false);
                }
                double stepLoss = 0;
                for (int micro = 0; micro < accumulation; micro++) {
                    TokenBatch batch = trainBatches.apply(step * accumulation + micro);
                    try (NDManager scratch = root.newSubManager();
                         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = lossFunction.loss(batch, scratch);
                        stepLoss += loss.getFloat() / accumulation;
                        collector.backward(accumulation == 1 ? loss : Scalars.mul(loss, 1f / accumulation));
                    }
                    tokens += (long) batch.batch() * batch.length();
                }
                if (!Double.isFinite(stepLoss)) {
                    throw new ArithmeticException("training diverged: the loss is " + stepLoss + " at step " + (step + 1)
                            + "; lower the learning rate (now " + schedule.peak() + ")");
                }
                double lr = schedule.at(step);
                double gradNorm = optimizer.step(lr);
                smoothed = Double.isNaN(smoothed) ? stepLoss : 0.9 * smoothed + 0.1 * stepLoss;
                double tps = rate(tokens, start);
                long eta = (long) ((total - step - 1) * ((System.nanoTime() - start) / 1e9 / (step + 1)));
                listener.onStep(new ProgressListener.StepReport(step + 1, total, stepLoss, lr, gradNorm, tps, eta));
                if (checkpointDir != null && checkpointEvery > 0 && (step + 1) % checkpointEvery == 0 && step + 1 < total) {
                    save(new Checkpoint(step + 1, optimizer.steps(), smoothed), optimizer);
                }
                if (targetLoss > 0 && smoothed < targetLoss && (step + 1) * 4 >= total && step + 1 < total
                        && (learned == null || ((step + 1) % learnedCheckEvery == 0 && learned.getAsBoolean()))) {
                    listener.onMessage("stopping at step " + (step + 1) + " of " + total + ": the training loss "
                            + String.format(Locale.ROOT, "%.4f", smoothed) + " is below " + targetLoss
                            + (learned == null ? "" : " and " + learnedWhat));
                    if (validation != null && !validation.isEmpty()) {
                        validationLoss = evaluate(validation);
                        listener.onValidation(step + 1, validationLoss);
                    }
                    return new Result(smoothed, validationLoss, step + 1, rate(tokens, start), false, true);
                }
                if (validation != null && !validation.isEmpty() && evalEvery > 0
                        && ((step + 1) % evalEvery == 0 || step + 1 == total)) {
                    validationLoss = evaluate(validation);
                    listener.onValidation(step + 1, validationLoss);
                    if (validationLoss < best) {
                        best = validationLoss;
                        sinceBest = 0;
                    } else if (patience > 0 && ++sinceBest >= patience && step + 1 < total) {
                        listener.onMessage("early stopping at step " + (step + 1) + ": validation loss " + validationLoss
                                + " has not improved on " + best + " for " + patience + " evaluations");
                        return new Result(smoothed, validationLoss, step + 1, rate(tokens, start), false, true);
                    }
                }
            }
        }
        return new Result(smoothed, validationLoss, step, rate(tokens, start), false, false);
    }

    private Checkpoint restore(AdamW optimizer) {
        try {
            return Checkpoint.restore(checkpointDir, parameters, optimizer, run, forceResume);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint in " + checkpointDir, e);
        }
    }

    private void save(Checkpoint c, AdamW optimizer) {
        try {
            Checkpoint.save(checkpointDir, c, parameters, optimizer, run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint to " + checkpointDir, e);
        }
    }

    /** Mean loss over batches without gradients. */
    public double evaluate(List<TokenBatch> batches) {
        NDManager root = parameters.get(0).getManager();
        double sum = 0;
        double weight = 0;
        for (TokenBatch batch : batches) {
            try (NDManager scratch = root.newSubManager()) {
                int n = batch.trainedTokens();
                sum += lossFunction.loss(batch, scratch).getFloat() * n;
                weight += n;
            }
        }
        return weight == 0 ? Double.NaN : sum / weight;
    }

    private static double rate(long tokens, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        return seconds <= 0 ? 0 : tokens / seconds;
    }

    /** PyTorch's grad mode is per thread and on by default in a new one: off for forward-only passes. */
    public static void withoutGradients(Runnable body) {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            body.run();
        } finally {
            JniUtils.setGradMode(before);
        }
    }
}
