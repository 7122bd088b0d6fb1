package ai.hybridchat.tuning;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a fine-tuning run, shared by every method; LoRA fields are ignored by the others.
 * {@code steps <= 0} means {@code epochs} passes over the data.
 */
public record TuneOptions(String method, Path base, Path data, Path validation, Path out,
                          int epochs, int steps, int batchSize, int maxLength, double learningRate,
                          double weightDecay, int warmupSteps, int evalEvery, long seed,
                          int rank, double alpha, double dropout, List<String> targetModules, int earlyStopping,
                          int checkpointEvery, boolean resume, int gradientAccumulation, MethodOptions methodOptions,
                          boolean forceResume) {
    /**
     * Settings only some methods read: QLoRA's {@code quantization} (nf4 or int8), prompt tuning's
     * {@code virtualTokens} and {@code promptInit} text, last-layer's {@code topLayers} to train.
     */
    public record MethodOptions(String quantization, int virtualTokens, String promptInit, int topLayers, double beta,
                                Path rewardModel, double klCoef, int responseTokens) {
        public static final MethodOptions DEFAULTS = new MethodOptions("nf4", 20, null, 1, 0.1);

        public MethodOptions {
            if (virtualTokens < 1 || topLayers < 0) {
                throw new IllegalArgumentException("virtual tokens must be >= 1 and top layers >= 0");
            }
            if (!(beta > 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("--beta must be a positive number, got " + beta);
            }
            if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
                throw new IllegalArgumentException("--kl-coef must be >= 0, got " + klCoef);
            }
            if (responseTokens < 1) {
                throw new IllegalArgumentException("--response-tokens must be at least 1, got " + responseTokens);
            }
        }

        /** Without PPO's settings (reward model none, KL coefficient 0.05, responses of 24 tokens). */
        public MethodOptions(String quantization, int virtualTokens, String promptInit, int topLayers, double beta) {
            this(quantization, virtualTokens, promptInit, topLayers, beta, null, 0.05, 24);
        }

        /** With DPO's usual beta of 0.1. */
        public MethodOptions(String quantization, int virtualTokens, String promptInit, int topLayers) {
            this(quantization, virtualTokens, promptInit, topLayers, 0.1);
        }

        public MethodOptions withPromptTuning(int tokens, String initText) {
            return new MethodOptions(quantization, tokens, initText, topLayers, beta, rewardModel, klCoef, responseTokens);
        }

        public MethodOptions withBeta(double b) {
            return new MethodOptions(quantization, virtualTokens, promptInit, topLayers, b, rewardModel, klCoef, responseTokens);
        }

    }

    // the settings every method shares when the user names none (the method's own: TuningDefaults)
    public static final int DEFAULT_BATCH = 8;
    public static final int DEFAULT_MAX_LENGTH = 512;
    public static final double DEFAULT_WEIGHT_DECAY = 0.0;
    public static final int DEFAULT_WARMUP_STEPS = 10;
    public static final long DEFAULT_SEED = 42;
    public static final double DEFAULT_DROPOUT = 0.05;

    /** Without early stopping. */
    public TuneOptions(String method, Path base, Path data, Path validation, Path out, int epochs, int steps, int batchSize,
                       int maxLength, double learningRate, double weightDecay, int warmupSteps, int evalEvery, long seed,
                       int rank, double alpha, double dropout, List<String> targetModules) {
        this(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate, weightDecay, warmupSteps,
                evalEvery, seed, rank, alpha, dropout, targetModules, 0, 0, false, 1, MethodOptions.DEFAULTS, false);
    }

    /** The same settings, stopping after {@code patience} validations without improvement (0: never). */
    public TuneOptions withEarlyStopping(int patience) {
        return new TuneOptions(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate,
                weightDecay, warmupSteps, evalEvery, seed, rank, alpha, dropout, targetModules, patience, checkpointEvery, resume, gradientAccumulation, methodOptions,
                forceResume);
    }

    /**
     * The same settings, writing a checkpoint every {@code every} steps (0: none) beside the
     * output ({@link #checkpointDir()}), and with {@code resume} continuing from the one there.
     */
    public TuneOptions withCheckpoints(int every, boolean resumeRun) {
        return new TuneOptions(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate,
                weightDecay, warmupSteps, evalEvery, seed, rank, alpha, dropout, targetModules, earlyStopping, every, resumeRun, gradientAccumulation, methodOptions,
                forceResume);
    }

    /** The same settings, each step summing the gradients of {@code microBatches} batches. */
    public TuneOptions withGradientAccumulation(int microBatches) {
        return new TuneOptions(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate,
                weightDecay, warmupSteps, evalEvery, seed, rank, alpha, dropout, targetModules, earlyStopping, checkpointEvery,
                resume, microBatches, methodOptions, forceResume);
    }

    /** The same settings with the options of QLoRA, prompt tuning and last-layer tuning. */
    public TuneOptions withMethodOptions(MethodOptions options) {
        return new TuneOptions(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate,
                weightDecay, warmupSteps, evalEvery, seed, rank, alpha, dropout, targetModules, earlyStopping, checkpointEvery,
                resume, gradientAccumulation, options, forceResume);
    }

    /**
     * The same settings, resuming from the checkpoint even when it records other run settings
     * (a different data file, method or hyper-parameters): for a user who changed them on purpose.
     */
    public TuneOptions withForcedResume() {
        return new TuneOptions(method, base, data, validation, out, epochs, steps, batchSize, maxLength, learningRate,
                weightDecay, warmupSteps, evalEvery, seed, rank, alpha, dropout, targetModules, earlyStopping, checkpointEvery,
                true, gradientAccumulation, methodOptions, true);
    }

    /** Where checkpoints of this run live: {@code OUT.checkpoint} next to the output folder. */
    public Path checkpointDir() {
        return out.resolveSibling(out.getFileName() + ".checkpoint");
    }

    public TuneOptions {
        if (batchSize < 1 || maxLength < 8 || learningRate <= 0) {
            throw new IllegalArgumentException("batch size must be >= 1, max length >= 8 and learning rate > 0");
        }
        if (epochs < 1 && steps < 1) {
            throw new IllegalArgumentException("give a positive number of epochs or steps");
        }
        if (earlyStopping < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("early-stopping patience and checkpoint interval must be >= 0");
        }
        if (gradientAccumulation < 1) {
            throw new IllegalArgumentException("gradient accumulation must be at least 1 micro batch, got " + gradientAccumulation);
        }
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        }
        targetModules = List.copyOf(targetModules);
        Objects.requireNonNull(methodOptions, "methodOptions");
    }

    public static TuneOptions lora(Path base, Path data, Path out) {
        return new TuneOptions("lora", base, data, null, out, 3, 0, 8, 512, 2e-3, 0.0, 10, 0, 42,
                8, 16, 0.05, List.of("q_proj", "v_proj"));
    }
}
