package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.decode.FastDecoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.server.demo.DemoBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a weight format costs in quality, on a trained model (the bundled demo model) and text it
 * never saw (the demo documents: its pre-training corpus was Debian's documentation, MODEL_CARD.md):
 *
 * <ul>
 *   <li>perplexity over windows of the documents, each scored whole by the model in that format;
 *   <li>top-1 agreement: along the F32 model's greedy continuations (128 tokens after the opening of
 *       a document), how often the format's model, fed the same tokens, picks the same next token;
 *   <li>greedy match: the share of positions where the format's own free-running greedy
 *       continuation (its decode path, fast or not) equals the F32 one (one early divergence
 *       changes everything after it, so this is the harsher of the two).
 * </ul>
 */
public final class WeightQualityBenchmark {
    static final int WINDOW = 128;
    static final int MAX_WINDOWS = 32;
    static final int PROMPTS = 8;
    static final int PROMPT_TOKENS = 16;
    static final int CONTINUATION = 128;

    public record Quality(WeightFormat format, long heldBytes, double perplexity, double topOneAgreement, double greedyMatch) {
    }

    private WeightQualityBenchmark() {
    }

    public static List<Quality> run(List<WeightFormat> formats) throws IOException {
        Path dir = Files.createTempDirectory("weight-quality-");
        try {
            Path model = DemoBundle.extractModel(dir);
            Path docs = dir.resolve("docs");
            DemoBundle.copyDocsIfEmpty(docs);
            List<long[]> windows;
            List<long[]> continuations = new ArrayList<>();
            List<long[]> prompts = new ArrayList<>();
            try (LocalLanguageModel f32 = LocalLanguageModel.load(model)) {
                windows = windows(f32, docs);
                for (int i = 0; i < PROMPTS && i < windows.size(); i++) {
                    long[] prompt = Arrays.copyOf(windows.get(i * windows.size() / PROMPTS), PROMPT_TOKENS);
                    prompts.add(prompt);
                    continuations.add(greedy(f32.model(), prompt));
                }
            }
            List<Quality> out = new ArrayList<>();
            for (WeightFormat format : formats) {
                try (LocalLanguageModel m = LocalLanguageModel.load(model, format)) {
                    out.add(measure(m.model(), format, windows, prompts, continuations));
                }
            }
            return out;
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }

    /** The documents, each tokenized, cut into whole windows of {@link #WINDOW} tokens. */
    private static List<long[]> windows(LocalLanguageModel model, Path docs) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(docs)) {
            files = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        List<long[]> windows = new ArrayList<>();
        for (Path f : files) {
            long[] ids = model.tokenizer().encode(Files.readString(f));
            for (int o = 0; o + WINDOW <= ids.length && windows.size() < MAX_WINDOWS; o += WINDOW) {
                windows.add(Arrays.copyOfRange(ids, o, o + WINDOW));
            }
        }
        if (windows.size() < PROMPTS) {
            throw new IllegalStateException("the demo documents gave only " + windows.size() + " windows of " + WINDOW + " tokens");
        }
        return windows;
    }

    private static long[] greedy(LlamaModel model, long[] prompt) {
        return new Generator(model, null, Set.of(), FastDecoder.STEPS).generate(prompt, GenerationConfig.greedy(CONTINUATION), null, null).tokenIds();
    }

    private static Quality measure(LlamaModel model, WeightFormat format, List<long[]> windows, List<long[]> prompts,
                                   List<long[]> continuations) {
        double nll = 0;
        long scored = 0;
        for (long[] w : windows) {
            float[][] logits = logits(model, w);
            for (int t = 0; t + 1 < w.length; t++) {
                nll -= logSoftmax(logits[t], (int) w[t + 1]);
                scored++;
            }
        }
        long agree = 0;
        long total = 0;
        long match = 0;
        for (int i = 0; i < prompts.size(); i++) {
            long[] prompt = prompts.get(i);
            long[] reference = continuations.get(i);
            long[] fed = new long[prompt.length + reference.length - 1];
            System.arraycopy(prompt, 0, fed, 0, prompt.length);
            System.arraycopy(reference, 0, fed, prompt.length, reference.length - 1);
            float[][] logits = logits(model, fed);
            for (int j = 0; j < reference.length; j++) {
                agree += argmax(logits[prompt.length - 1 + j]) == reference[j] ? 1 : 0;
            }
            long[] own = greedy(model, prompt);
            for (int j = 0; j < reference.length; j++) {
                match += j < own.length && own[j] == reference[j] ? 1 : 0;
            }
            total += reference.length;
        }
        return new Quality(format, ModelQuantizer.heldBytes(model), Math.exp(nll / scored), (double) agree / total,
                (double) match / total);
    }

    /** Next-token logits at every position of {@code ids}, from one forward pass without a cache. */
    private static float[][] logits(LlamaModel model, long[] ids) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray out = model.forward(step.create(ids, new Shape(1, ids.length)), null, false);
            float[] flat = out.toFloatArray();
            int vocab = model.config().vocabSize;
            float[][] rows = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                rows[t] = Arrays.copyOfRange(flat, t * vocab, (t + 1) * vocab);
            }
            return rows;
        }
    }

    private static double logSoftmax(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[target] - max - Math.log(sum);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
