package ai.hybridchat.server.cli;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.CrossEncoder;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.langchain.PassagePointer;
import ai.hybridchat.core.reader.ReaderFeatures;
import ai.hybridchat.core.reader.SentenceScorer;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.EnglishTerms;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.server.eval.KeyFact;
import ai.hybridchat.server.eval.QaItem;
import ai.hybridchat.tuning.reader.CrossEncoderFit;
import ai.hybridchat.tuning.reader.LeaveOneSetOut;
import ai.hybridchat.tuning.reader.ListwiseRankerFit;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform reader-train --set DOCS=QA ... [--heldout DOCS=QA ...] --out FILE}: trains the
 * copy pointer's sentence scorer on question/answer-sentence pairs. Each set's documents are
 * indexed as serving indexes them, each question retrieves its passages as serving does, and the
 * candidates are the passages' sentences; the correct ones hold the item's key fact and come from
 * a document the item names. Held-out sets are only measured. Writes the scorer's JSON (the
 * weights, and what they were trained and measured on).
 */
@Command(name = "reader-train", mixinStandardHelpOptions = true,
        description = "Train the copy pointer's sentence scorer on question/answer pairs over documents.")
final class ReaderTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--set", required = true, paramLabel = "DOCS=QA",
            description = "A documents folder and an evaluation JSONL of its questions, to train on; repeat.")
    List<String> sets;

    @Option(names = "--heldout", paramLabel = "DOCS=QA", description = "A set to measure only; repeat.")
    List<String> heldout = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the scorer JSON.")
    Path out;

    @Option(names = "--passages", defaultValue = "3", paramLabel = "N", description = "Passages per question (default: ${DEFAULT-VALUE}).")
    int passages;

    @Option(names = "--cross-encoder-trial",
            description = "Also fine-tune a cross-encoder (LoRA on the bundled all-MiniLM-L6-v2, on the DJL encoder runtime) and report its top-1 beside the linear scorer's; nothing is written but the report (measured and not adopted: docs/EVALUATION.md).")
    boolean crossEncoderTrial;

    @Option(names = "--ce-epochs", defaultValue = "2", description = "Cross-encoder epochs (default: ${DEFAULT-VALUE}).")
    int ceEpochs;

    @Option(names = "--ce-lr", defaultValue = "1e-3", description = "Cross-encoder learning rate (default: ${DEFAULT-VALUE}).")
    double ceLearningRate;

    @Option(names = "--ce-candidates", defaultValue = "8", description = "Sentences the cross-encoder reads per question, best by the linear scorer (default: ${DEFAULT-VALUE}).")
    int ceCandidates;

    @Option(names = "--ce-rank", defaultValue = "8", description = "LoRA rank of the cross-encoder (default: ${DEFAULT-VALUE}).")
    int ceRank;

    @Option(names = "--ce-targets", defaultValue = "query,value", split = ",", description = "Encoder projections the cross-encoder's LoRA wraps (default: ${DEFAULT-VALUE}).")
    List<String> ceTargets;

    @Option(names = "--ce-prior", defaultValue = "linear", description = "What the cross-encoder learns the residual of: linear, crossfit (each training set's prior fitted without it) or none (default: ${DEFAULT-VALUE}).")
    String cePrior;

    @Option(names = "--interaction-trial",
            description = "Also measure, leaving each training set out in turn, the linear scorer against one over the features and their pairwise products.")
    boolean interactionTrial;

    @Option(names = "--show-misses", description = "Print each held-out question the trained scorer gets wrong: its pick and the right sentence.")
    boolean showMisses;

    /** One question of a set as the cross-encoder sees it: its text and each candidate's text. */
    private record Asked(String question, List<String> texts, ListwiseRankerFit.Question ranked) {
    }

    private final Map<String, List<Asked>> askedBySet = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        EmbeddingModel embeddings = Embeddings.allMiniLmL6V2();
        PassagePointer pointer = new PassagePointer(embeddings, 0.5, SentenceScorer.cosineBaseline(),
                new EnglishTerms());
        List<ListwiseRankerFit.Question> training = new ArrayList<>();
        Map<String, List<ListwiseRankerFit.Question>> bySet = new LinkedHashMap<>();
        Map<String, Integer> asked = new LinkedHashMap<>();
        for (String set : sets) {
            List<ListwiseRankerFit.Question> qs = questions(set, pointer, embeddings, asked, true);
            bySet.put("train " + set, qs);
            training.addAll(qs);
        }
        for (String set : heldout) {
            bySet.put("held-out " + set, questions(set, pointer, embeddings, asked, false));
        }
        if (training.isEmpty()) {
            throw new IllegalArgumentException("no training question has its answer sentence among the retrieved passages");
        }
        double[] baseline = SentenceScorer.cosineBaseline().weights();
        ListwiseRankerFit.Result fit = ListwiseRankerFit.defaults().fit(training, baseline);
        Map<String, Object> measured = new LinkedHashMap<>();
        bySet.forEach((name, qs) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("questions", asked.get(name.substring(name.indexOf(' ') + 1)));
            m.put("answerSentenceRetrieved", qs.size());
            m.put("top1Baseline", round(ListwiseRankerFit.top1(qs, baseline)));
            m.put("top1Trained", round(ListwiseRankerFit.top1(qs, fit.weights())));
            measured.put(name, m);
            err.printf(Locale.ROOT, "%s: %d questions, answer sentence retrieved for %d; top-1 sentence: cosine %.3f, trained %.3f%n",
                    name, asked.get(name.substring(name.indexOf(' ') + 1)), qs.size(), ListwiseRankerFit.top1(qs, baseline),
                    ListwiseRankerFit.top1(qs, fit.weights()));
        });
        Map<String, Object> weights = new LinkedHashMap<>();
        for (int i = 0; i < ReaderFeatures.NAMES.size(); i++) {
            weights.put(ReaderFeatures.NAMES.get(i), round(fit.weights()[i]));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trainedOn", String.join(" + ", sets) + " (" + training.size() + " questions), listwise softmax, "
                + "l2 1e-3, 3000 Adam steps; command: platform reader-train");
        json.put("weights", weights);
        json.put("trainingLoss", round(fit.loss()));
        json.put("measured", measured);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        if (showMisses) {
            SentenceScorer trained = new SentenceScorer(fit.weights(), "");
            askedBySet.forEach((set, questions) -> {
                if (!set.startsWith("held-out ")) {
                    return;
                }
                for (Asked a : questions) {
                    List<double[]> f = a.ranked().features();
                    int best = 0;
                    for (int i = 1; i < f.size(); i++) {
                        best = trained.score(f.get(i)) > trained.score(f.get(best)) ? i : best;
                    }
                    if (!a.ranked().correct()[best]) {
                        int right = 0;
                        while (!a.ranked().correct()[right]) {
                            right++;
                        }
                        err.printf(Locale.ROOT, "MISS %s%n  picked (%.2f): %s%n  right  (%.2f): %s%n", a.question(),
                                trained.score(f.get(best)), a.texts().get(best), trained.score(f.get(right)), a.texts().get(right));
                        err.printf(Locale.ROOT, "  features of the pick:  %s%n  features of the right: %s%n", fmt(f.get(best)), fmt(f.get(right)));
                    }
                }
            });
        }
        if (interactionTrial) {
            json.put("interactions", interactions(bySet, err));
        }
        if (crossEncoderTrial) {
            json.put("crossEncoder", crossEncoder(fit.weights(), err));
        }
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        spec.commandLine().getOut().println("wrote " + out + ": " + weights);
        return 0;
    }

    /**
     * Leave-one-set-out top-1 of the linear scorer and of one over the quadratic expansion of its
     * features, at a few L2 strengths; the held-out sets measured with the expansion fitted on all
     * training sets at the strength that generalised best across the training sets.
     */
    private Map<String, Object> interactions(Map<String, List<ListwiseRankerFit.Question>> bySet, PrintWriter err) {
        Map<String, List<ListwiseRankerFit.Question>> train = new LinkedHashMap<>();
        bySet.forEach((name, qs) -> {
            if (name.startsWith("train ")) {
                train.put(name, qs);
            }
        });
        double[] linearStart = SentenceScorer.cosineBaseline().weights();
        double[] quadraticStart = Arrays.copyOf(linearStart, LeaveOneSetOut.quadratic(linearStart).length);
        Map<String, Object> report = new LinkedHashMap<>();
        double bestL2 = 0;
        double best = -1;
        for (double l2 : new double[] {1e-3, 1e-2, 3e-2, 1e-1}) {
            ListwiseRankerFit fit = new ListwiseRankerFit(l2, 3000, 0.05);
            Map<String, Double> linear = LeaveOneSetOut.top1(train, f -> f, linearStart, fit);
            Map<String, Double> quadratic = LeaveOneSetOut.top1(train, LeaveOneSetOut::quadratic, quadraticStart, fit);
            linear.forEach((set, t) -> err.printf(Locale.ROOT, "l2 %g, left out %s: top-1 linear %.3f, quadratic %.3f%n",
                    l2, set, t, quadratic.get(set)));
            err.flush();
            report.put("l2 " + l2, Map.of("linear", linear, "quadratic", quadratic));
            if (quadratic.get("all") > best) {
                best = quadratic.get("all");
                bestL2 = l2;
            }
        }
        List<ListwiseRankerFit.Question> all = new ArrayList<>();
        train.values().forEach(all::addAll);
        double[] w = new ListwiseRankerFit(bestL2, 3000, 0.05).fit(LeaveOneSetOut.map(all, LeaveOneSetOut::quadratic), quadraticStart).weights();
        Map<String, Object> heldOut = new LinkedHashMap<>();
        double chosenL2 = bestL2;
        bySet.forEach((name, qs) -> {
            if (name.startsWith("held-out ")) {
                double t = ListwiseRankerFit.top1(LeaveOneSetOut.map(qs, LeaveOneSetOut::quadratic), w);
                err.printf(Locale.ROOT, "quadratic (l2 %g) on %s: top-1 %.3f%n", chosenL2, name, t);
                heldOut.put(name, round(t));
            }
        });
        report.put("chosenL2", bestL2);
        report.put("heldOut", heldOut);
        return report;
    }

    private Map<String, Object> crossEncoder(double[] linear, PrintWriter err) {
        if (!List.of("linear", "crossfit", "none").contains(cePrior)) {
            throw new IllegalArgumentException("--ce-prior must be linear, crossfit or none, got '" + cePrior + "'");
        }
        if (ceEpochs < 1 || ceCandidates < 2 || ceRank < 1 || !(ceLearningRate > 0)) {
            throw new IllegalArgumentException("--ce-epochs and --ce-rank must be at least 1, --ce-candidates at least 2, --ce-lr positive");
        }
        SentenceScorer prior = new SentenceScorer(linear, "");
        Map<String, List<CrossEncoderFit.Group>> groups = new LinkedHashMap<>();
        askedBySet.forEach((set, asked) -> {
            List<CrossEncoderFit.Group> g = new ArrayList<>();
            SentenceScorer setPrior = prior;
            if (cePrior.equals("crossfit") && set.startsWith("train ")) {
                // the prior a new domain meets: the linear scorer fitted without this set
                List<ListwiseRankerFit.Question> others = new ArrayList<>();
                askedBySet.forEach((other, q) -> {
                    if (other.startsWith("train ") && !other.equals(set)) {
                        q.forEach(x -> others.add(x.ranked()));
                    }
                });
                setPrior = new SentenceScorer(ListwiseRankerFit.defaults().fit(others, SentenceScorer.cosineBaseline().weights()).weights(), "");
            }
            for (Asked a : asked) {
                double[] scores = a.ranked().features().stream().mapToDouble(setPrior::score).toArray();
                g.add(new CrossEncoderFit.Group(a.question(), a.texts(), scores, a.ranked().correct()));
            }
            groups.put(set, g);
        });
        List<CrossEncoderFit.Group> training = new ArrayList<>();
        groups.forEach((set, g) -> {
            if (set.startsWith("train ")) {
                for (CrossEncoderFit.Group x : g) {
                    // with no prior, the shortlist is still the linear scorer's; the scores it adds are not
                    training.add(cePrior.equals("none") ? new CrossEncoderFit.Group(x.question(), x.candidates(), x.prior(), x.correct(), false) : x);
                }
            }
        });
        Map<String, Object> report = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
             CrossEncoder ce = CrossEncoder.untrained(BundledEncoder.ALL_MINILM_L6_V2.load(manager), ceTargets, ceRank, 2.0 * ceRank, 11)) {
            CrossEncoderFit.Options o = new CrossEncoderFit.Options(ceEpochs, ceLearningRate, ceCandidates, 4, 7);
            long start = System.nanoTime();
            CrossEncoderFit.Result r = CrossEncoderFit.fit(ce, training, o, new ProgressListener() {
                @Override
                public void onStep(StepReport s) {
                    if (s.step() % 25 == 0) {
                        err.printf(Locale.ROOT, "cross-encoder step %d/%d loss %.4f%n", s.step(), s.totalSteps(), s.loss());
                        err.flush();
                    }
                }

                @Override
                public void onMessage(String m) {
                    err.println(m);
                    err.flush();
                }
            });
            report.put("options", o.toString() + " rank " + ceRank + " targets " + ceTargets);
            report.put("trainSeconds", Math.round((System.nanoTime() - start) / 1e9));
            report.put("loss", List.of(round(r.firstEpochLoss()), round(r.lastEpochLoss())));
            groups.forEach((set, g) -> {
                double before = CrossEncoderFit.top1(null, g, ceCandidates);
                double after = CrossEncoderFit.top1(ce, g, ceCandidates);
                List<CrossEncoderFit.Group> alone = g.stream().map(x -> new CrossEncoderFit.Group(x.question(), x.candidates(), x.prior(), x.correct(), false)).toList();
                double crossAlone = CrossEncoderFit.top1(ce, alone, ceCandidates);
                err.printf(Locale.ROOT, "%s: top-1 sentence, linear %.3f, linear + cross-encoder %.3f, cross-encoder alone %.3f (%d questions)%n",
                        set, before, after, crossAlone, g.size());
                report.put(set, Map.of("top1Linear", round(before), "top1CrossEncoder", round(after), "top1CrossEncoderAlone", round(crossAlone), "questions", g.size()));
            });
        }
        return report;
    }

    /** The questions of one set whose answer sentence is among the retrieved passages, as ranker questions. */
    private List<ListwiseRankerFit.Question> questions(String set, PassagePointer pointer, EmbeddingModel embeddings,
                                                       Map<String, Integer> asked, boolean training) throws IOException {
        int eq = set.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("a set is DOCS=QA, got '" + set + "'");
        }
        Path docs = Path.of(set.substring(0, eq));
        Path qa = Path.of(set.substring(eq + 1));
        PathChecks.requireExists(docs, "--set documents");
        List<QaItem> items = QaItem.read(qa);
        asked.put(set, items.size());
        Path indexDir = Files.createTempDirectory("reader-train-index");
        List<ListwiseRankerFit.Question> out = new ArrayList<>();
        try (ChunkIndex index = LuceneChunkIndex.open(indexDir, embeddings)) {
            new Ingestor(index).ingest(docs);
            LuceneRetriever retriever = new LuceneRetriever(index);
            for (QaItem item : items) {
                List<RetrievedPassage> retrieved = retriever.retrieve(item.question(), passages);
                List<PassagePointer.Candidate> candidates = pointer.candidates(item.question(), retrieved);
                KeyFact fact = KeyFact.of(item);
                List<double[]> features = new ArrayList<>();
                boolean[] correct = new boolean[candidates.size()];
                boolean any = false;
                for (int i = 0; i < candidates.size(); i++) {
                    PassagePointer.Candidate c = candidates.get(i);
                    features.add(c.features());
                    String docId = retrieved.get(c.unit().passage()).chunk().docId();
                    correct[i] = fact.in(c.unit().sentence()) && (item.docIds().isEmpty() || item.docIds().contains(docId));
                    any |= correct[i];
                }
                if (any) {
                    ListwiseRankerFit.Question q = new ListwiseRankerFit.Question(features, correct);
                    out.add(q);
                    askedBySet.computeIfAbsent((training ? "train " : "held-out ") + set, k -> new ArrayList<>())
                            .add(new Asked(item.question(), candidates.stream().map(c -> c.unit().inContext()).toList(), q));
                }
            }
        } finally {
            AtomicFiles.deleteRecursively(indexDir);
        }
        return out;
    }

    private static String fmt(double[] f) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < f.length; i++) {
            b.append(ReaderFeatures.NAMES.get(i)).append('=').append(String.format(Locale.ROOT, "%.2f", f[i])).append(' ');
        }
        return b.toString();
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
