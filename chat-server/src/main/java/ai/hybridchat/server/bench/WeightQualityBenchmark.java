package ai.hybridchat.server.bench;

import ai.hybridchat.core.decode.FastDecoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TokenScores;
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
            for (float logprob : TokenScores.logprobs(model, w)) {
                nll -= logprob;
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
            long[] picks = TokenScores.argmax(model, fed);
            long[] own = greedy(model, prompt);
            for (int j = 0; j < reference.length; j++) {
                agree += picks[prompt.length - 1 + j] == reference[j] ? 1 : 0;
                match += j < own.length && own[j] == reference[j] ? 1 : 0;
            }
            total += reference.length;
        }
        return new Quality(format, ModelQuantizer.heldBytes(model), Math.exp(nll / scored), (double) agree / total,
                (double) match / total);
    }
}
