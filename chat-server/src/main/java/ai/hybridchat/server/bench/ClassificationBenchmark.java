package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.server.demo.DemoBundle;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The seed's thesis measured: does fine-tuning a model that was pretrained at scale beat the same
 * architecture trained from scratch, and by how much when examples are few? A learning curve on
 * {@link PackageDescriptions} (apt's package descriptions by section): at each number of training
 * examples per class, (a) all-MiniLM-L6-v2 fine-tuned with a new head ({@code classifier}), (b)
 * the same architecture and tokenizer from random initialisation ({@link RandomEncoder}), same
 * recipe, (c) the bundled decoder's {@code last-layer} classifier, (d) TF-IDF and logistic
 * regression in scikit-learn. Every system sees the same draws and the same test set; small sizes
 * are drawn several times.
 */
final class ClassificationBenchmark {
    /** A system of the curve, by the name the table and the plot give it. */
    static final String PRETRAINED = "MiniLM-L6 pretrained + fine-tuned";
    static final String RANDOM = "MiniLM-L6 architecture, random init";
    static final String DECODER = "demo decoder (3.9M), last-layer";
    static final String TFIDF = "TF-IDF + logistic regression";

    /**
     * {@code sizes}: examples per class, 0 for all; {@code repeats} draws of the sizes up to
     * {@code repeatUpTo}; {@code epochs} for every neural run, cut to {@code largeEpochs} when a
     * training set has more than {@code largeAbove} examples (the time of one bench run, not a
     * setting chosen on its results).
     */
    record Settings(List<Integer> sizes, int repeats, int repeatUpTo, int epochs, int largeEpochs, int largeAbove, int batch,
                    int maxLength, long seed, List<String> systems) {
        int epochsFor(int examples) {
            return examples > largeAbove ? largeEpochs : epochs;
        }
    }

    /** One run's test scores. */
    record Point(String system, int perClass, double examplesPerClass, int repeat, double accuracy, double macroF1, double seconds,
                 double tokensPerSecond) {
    }

    private final Settings settings;
    private final PythonPeer python;
    private final Consumer<String> log;

    ClassificationBenchmark(Settings settings, PythonPeer python, Consumer<String> log) {
        this.settings = settings;
        this.python = python;
        this.log = log;
    }

    List<Point> run(PackageDescriptions.Split split, Path work) throws IOException, InterruptedException {
        Path test = work.resolve("test.jsonl");
        AtomicFiles.writeString(test, jsonLines(split.test()));
        Path randomBase = work.resolve("random-minilm");
        Path decoder = null;
        if (settings.systems().contains(RANDOM)) {
            try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder pretrained = BundledEncoder.ALL_MINILM_L6_V2.load(manager)) {
                RandomEncoder.write(pretrained, settings.seed(), randomBase);
            }
        }
        if (settings.systems().contains(DECODER)) {
            decoder = DemoBundle.extractModel(work);
        }
        List<Point> points = new ArrayList<>();
        for (int perClass : settings.sizes()) {
            int draws = perClass > 0 && perClass <= settings.repeatUpTo() ? settings.repeats() : 1;
            for (int r = 0; r < draws; r++) {
                List<LabeledText> train = split.sample(perClass > 0 ? perClass : Integer.MAX_VALUE, settings.seed() + r);
                double perClassActual = (double) train.size() / split.sections().size();
                Path data = work.resolve("train-" + perClass + "-" + r + ".jsonl");
                AtomicFiles.writeString(data, jsonLines(train));
                int epochs = settings.epochsFor(train.size());
                for (String system : settings.systems()) {
                    long t0 = System.nanoTime();
                    Point p = switch (system) {
                        case TFIDF -> tfidf(data, test, perClass, perClassActual, r);
                        case PRETRAINED -> tune(system, "classifier", Path.of(BundledEncoder.ALL_MINILM_L6_V2.name()), data, test, work,
                                epochs, perClass, perClassActual, r);
                        case RANDOM -> tune(system, "classifier", randomBase, data, test, work, epochs, perClass, perClassActual, r);
                        case DECODER -> tune(system, "last-layer", decoder, data, test, work, epochs, perClass, perClassActual, r);
                        default -> throw new IllegalArgumentException("no such system: " + system);
                    };
                    p = new Point(p.system(), p.perClass(), p.examplesPerClass(), p.repeat(), p.accuracy(), p.macroF1(),
                            (System.nanoTime() - t0) / 1e9, p.tokensPerSecond());
                    log.accept(String.format(Locale.ROOT, "%s, %s per class (draw %d, %d examples, %d epochs): accuracy %.4f, macro-F1 %.4f, %.0f s",
                            system, perClass > 0 ? perClass : "all", r + 1, train.size(), epochs, p.accuracy(), p.macroF1(), p.seconds()));
                    points.add(p);
                }
            }
        }
        return points;
    }

    private Point tune(String system, String method, Path base, Path data, Path test, Path work, int epochs, int perClass,
                       double perClassActual, int repeat) throws IOException {
        Path out = work.resolve("model-" + method + "-" + Math.abs(system.hashCode()) + "-" + perClass + "-" + repeat);
        // the test set is the run's --val: it scores the final model only (no early stopping, no
        // checkpoint chosen on it)
        TuningResult result = new Tuner(ProgressListener.terminal(50, false)).run(TuneOptionsBuilder.of(method, base, data, out)
                .validation(test).epochs(epochs).batchSize(settings.batch()).maxLength(settings.maxLength()).seed(settings.seed() + repeat)
                .earlyStopping(0).evalEvery(Integer.MAX_VALUE).build(), null);
        ClassificationMetrics m = result.evaluation(ClassificationMetrics.class)
                .orElseThrow(() -> new IllegalStateException(method + " reported no classification metrics"));
        AtomicFiles.deleteRecursively(out);
        return new Point(system, perClass, perClassActual, repeat, m.accuracy(), m.macroF1(), 0, result.training().tokensPerSecond());
    }

    private Point tfidf(Path data, Path test, int perClass, double perClassActual, int repeat) throws IOException, InterruptedException {
        List<JsonNode> rows = python.run("tfidf_peer.py", List.of(data.toString(), test.toString()));
        if (rows.isEmpty()) {
            throw new IllegalStateException("tfidf_peer.py printed no result");
        }
        JsonNode r = rows.get(0);
        return new Point(TFIDF, perClass, perClassActual, repeat, r.get("accuracy").asDouble(), r.get("macro_f1").asDouble(), 0, 0);
    }

    /** The curve's points as the plot script reads them. */
    static String json(List<Point> points) throws IOException {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(points);
    }

    /** Mean accuracy and macro-F1 per system and size, with the spread over draws. */
    static Map<String, Map<Integer, double[]>> summary(List<Point> points) {
        Map<String, Map<Integer, List<Point>>> groups = new LinkedHashMap<>();
        for (Point p : points) {
            groups.computeIfAbsent(p.system(), k -> new LinkedHashMap<>()).computeIfAbsent(p.perClass(), k -> new ArrayList<>()).add(p);
        }
        Map<String, Map<Integer, double[]>> out = new LinkedHashMap<>();
        groups.forEach((system, sizes) -> sizes.forEach((size, ps) -> {
            double acc = ps.stream().mapToDouble(Point::accuracy).average().orElse(0);
            double f1 = ps.stream().mapToDouble(Point::macroF1).average().orElse(0);
            double sd = Math.sqrt(ps.stream().mapToDouble(p -> (p.accuracy() - acc) * (p.accuracy() - acc)).sum()
                    / Math.max(1, ps.size() - 1));
            out.computeIfAbsent(system, k -> new LinkedHashMap<>()).put(size, new double[] {acc, f1, sd, ps.size()});
        }));
        return out;
    }

    static String jsonLines(List<LabeledText> texts) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (LabeledText t : texts) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("text", t.text(), "label", t.label()))).append('\n');
        }
        return sb.toString();
    }
}
