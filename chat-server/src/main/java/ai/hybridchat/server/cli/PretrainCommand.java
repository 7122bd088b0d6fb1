package ai.hybridchat.server.cli;

import ai.hybridchat.tuning.pretrain.Pretrainer;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TrainingLoop;
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
 * {@code platform pretrain}: a small Llama-architecture base model from scratch (tokenizer
 * included), written as a Hugging Face folder. The defaults are the demo base model's settings.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pre-train a small base model (BPE tokenizer + Llama decoder) on a text corpus.")
final class PretrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", arity = "1..*", required = true, paramLabel = "PATH",
            description = "Text files or folders (.txt, .txt.gz, .md, .html).")
    List<Path> corpus;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder to write.")
    Path out;

    @Option(names = "--layers", defaultValue = "4", description = "Decoder layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "256", description = "Hidden size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--heads", defaultValue = "8", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "4", description = "Key/value heads, GQA (default: ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(names = "--vocab", defaultValue = "4096", description = "Tokenizer vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--steps", defaultValue = "2500", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq-len", defaultValue = "256", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--copy-fraction", defaultValue = "0.25",
            description = "Share of each batch spent on copy exercises (a span, then the same span again), "
                    + "which grow the induction heads a reader copies with (default: ${DEFAULT-VALUE}).")
    double copyFraction;

    @Option(names = "--init", paramLabel = "DIR",
            description = "Continue pre-training this model folder (its tokenizer and shape; --layers, --hidden, "
                    + "--heads, --kv-heads and --vocab are then ignored).")
    Path init;

    @Option(names = "--reading-fraction", defaultValue = "0.7",
            description = "Share of each batch spent on reading-comprehension exercises (default: ${DEFAULT-VALUE}).")
    double readingFraction;

    @Option(names = "--log-every", defaultValue = "10", description = "Progress line every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Override
    public Integer call() throws IOException {
        corpus.forEach(p -> PathChecks.requireExists(p, "--corpus"));
        if (init != null) {
            PathChecks.requireExists(init, "--init");
        }
        if (copyFraction < 0 || readingFraction < 0 || copyFraction + readingFraction > 1) {
            throw new IllegalArgumentException("--reading-fraction and --copy-fraction must be >= 0 and add up to at most 1, got "
                    + readingFraction + " and " + copyFraction);
        }
        if (learningRate <= 0) {
            throw new IllegalArgumentException("--lr must be positive, got " + learningRate);
        }
        Pretrainer.Options options = new Pretrainer.Options(corpus, out, layers, hidden, heads, kvHeads, vocab, steps,
                batch, sequenceLength, learningRate, seed, readingFraction, copyFraction, init);
        TrainingLoop.Result r = new Pretrainer(ProgressListener.terminal(Math.max(1, logEvery))).run(options);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d steps, train loss %.4f, validation loss %s, %.0f tokens/s%n",
                out, r.steps(), r.finalTrainLoss(),
                r.finalValidationLoss() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", r.finalValidationLoss()),
                r.tokensPerSecond());
        return 0;
    }
}
