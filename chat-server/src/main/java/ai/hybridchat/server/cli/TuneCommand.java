package ai.hybridchat.server.cli;

import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.train.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

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
            description = "full, last-layer, lora, qlora, prompt-tuning, dpo, reward-model or ppo (available now: lora).")
    String method;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "Base model folder (Hugging Face layout).")
    Path base;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training data, JSONL.")
    Path data;

    @Option(names = "--val", paramLabel = "FILE", description = "Validation data, JSONL.")
    Path validation;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (the adapter for LoRA).")
    Path out;

    @Option(names = "--epochs", defaultValue = "3", description = "Passes over the data when --steps is 0 (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--steps", defaultValue = "0", description = "Optimizer steps; 0 means --epochs passes (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "512", description = "Longest example in tokens; longer ones are skipped (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--warmup", defaultValue = "10", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--eval-every", defaultValue = "0", description = "Validate every N steps; 0: four times per run (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rank", defaultValue = "8", description = "LoRA rank r (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--alpha", defaultValue = "16", description = "LoRA alpha; the update is scaled by alpha / r (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--dropout", defaultValue = "0.05", description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--target-modules", split = ",", defaultValue = "q_proj,v_proj", paramLabel = "NAMES",
            description = "Projections LoRA wraps (default: ${DEFAULT-VALUE}).")
    List<String> targetModules;

    @Option(names = "--log-every", defaultValue = "10", description = "Progress line every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Override
    public Integer call() throws IOException {
        PathChecks.requireDir(base, "--base");
        PathChecks.requireFile(data, "--data");
        if (validation != null) {
            PathChecks.requireFile(validation, "--val");
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        }
        TuneOptions options = new TuneOptions(method.toLowerCase(Locale.ROOT), base, data, validation, out, epochs, steps,
                batch, maxLength, learningRate, weightDecay, warmup, evalEvery, seed, rank, alpha, dropout, targetModules);
        Tuner.Result r = new Tuner(ProgressListener.terminal(Math.max(1, logEvery))).run(options, () -> false);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s on %d examples (%d skipped as too long), %d steps, "
                        + "train loss %.4f, validation loss %s%n", r.out(), method, r.examples(), r.skippedTooLong(),
                r.training().steps(), r.training().finalTrainLoss(),
                r.training().finalValidationLoss() == null ? "n/a"
                        : String.format(Locale.ROOT, "%.4f", r.training().finalValidationLoss()));
        return 0;
    }
}
