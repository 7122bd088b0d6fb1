package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.decode.FastDecoder;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.quant.InferenceQuantizer;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.core.quant.WeightFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Batch-1 generation speed of the runtime on a model shape with random F32 weights: prefill
 * tokens/s over a prompt, decode tokens/s of greedy continuation with the KV cache, each against
 * the memory read bandwidth of the same moment, the process's peak resident memory, and the bytes
 * of weights a decode step reads.
 */
public final class GenerationBenchmark {
    /** A Llama shape; {@code name:hidden:layers:heads:kv:inter:vocab:tied} on the wire to the peer. */
    public record ModelShape(String name, int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab,
                             boolean tied) {
        public static final List<ModelShape> DEFAULTS = List.of(
                new ModelShape("demo", 256, 4, 8, 4, 672, 4096, true),
                new ModelShape("22m", 384, 12, 6, 2, 1024, 8192, true),
                new ModelShape("135m", 576, 30, 9, 3, 1536, 49152, true)); // SmolLM2-135M

        LlamaConfig config(int context) {
            LlamaConfig c = new LlamaConfig();
            c.hiddenSize = hidden;
            c.numHiddenLayers = layers;
            c.numAttentionHeads = heads;
            c.numKeyValueHeads = kvHeads;
            c.intermediateSize = intermediate;
            c.vocabSize = vocab;
            c.tieWordEmbeddings = tied;
            c.maxPositionEmbeddings = context;
            return c;
        }

        public String wire() {
            return String.join(":", name, "" + hidden, "" + layers, "" + heads, "" + kvHeads, "" + intermediate,
                    "" + vocab, "" + tied);
        }
    }

    /**
     * Medians over the timed rounds. {@code readBytesPerSecond} is the median of the reads measured
     * right before each round and {@code decodeOverRead} the median of each round's decode bytes/s
     * over its own read (NaN without a yardstick): on a shared machine the bandwidth drifts by 1.5x
     * between minutes (seen here), so a decode is only compared with a read of the same moment.
     */
    public record Result(ModelShape shape, WeightFormat format, long parameters, long weightBytes, double prefillTokensPerSecond,
                         double decodeTokensPerSecond, double readBytesPerSecond, double decodeOverRead, double peakResidentMb) {
    }

    static final int ROUNDS = 3;

    private GenerationBenchmark() {
    }

    /**
     * Runs {@code shape} with random weights: one whole untimed generation (the JIT compiles the
     * decode loop within its first ~100 tokens; a server is past that after its first answer), then
     * {@link #ROUNDS} timed ones, each after a reading of {@code yardstick} (null: none). With
     * {@code fastDecode} false the decode steps run on libtorch even where the vector-API path could.
     * Peak RSS is taken after the warm-up, before any yardstick allocates its buffer.
     */
    public static Result run(ModelShape shape, int promptTokens, int newTokens, boolean fastDecode, WeightFormat format,
                             DoubleSupplier yardstick) {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(shape.config(promptTokens + newTokens + 8), 1, manager)) {
            if (format != WeightFormat.F32) {
                InferenceQuantizer.quantize(model, format);
                System.gc(); // the released F32 arrays' direct buffers go only with a collection
            }
            // the peak from here on: the model as held (quantized at load here; a quantized file would not
            // pass through F32) and one generation
            resetPeakMemory();
            Generator generator = new Generator(model, null, Set.of(), fastDecode ? FastDecoder.STEPS : null);
            Random random = new Random(2);
            long[] prompt = new long[promptTokens];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = random.nextInt(shape.vocab());
            }
            generator.generate(prompt, GenerationConfig.greedy(newTokens), null, null);
            double peak = peakResidentMb();
            long bytes = ModelQuantizer.heldBytes(model);
            double[] prefill = new double[ROUNDS];
            double[] decode = new double[ROUNDS];
            double[] read = new double[ROUNDS];
            double[] ratio = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                read[i] = yardstick == null ? Double.NaN : yardstick.getAsDouble();
                Generator.Result r = generator.generate(prompt, GenerationConfig.greedy(newTokens), null, null);
                prefill[i] = promptTokens / (r.prefillNanos() / 1e9);
                decode[i] = (r.tokenIds().length - 1) / (r.decodeNanos() / 1e9);
                ratio[i] = decode[i] * bytes / read[i];
            }
            return new Result(shape, format, model.parameterCount(), bytes, median(prefill), median(decode), median(read), median(ratio),
                    peak);
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Linux resets the high-water mark of resident memory on this write ({@code man proc}). */
    static void resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or not allowed: the peak then covers the whole run
        }
    }

    static double peakResidentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return Double.NaN;
    }
}
