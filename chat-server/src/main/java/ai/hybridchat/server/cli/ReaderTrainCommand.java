package ai.hybridchat.server.cli;

import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.langchain.PassagePointer;
import ai.hybridchat.core.model.Json;
import ai.hybridchat.core.reader.ReaderFeatures;
import ai.hybridchat.core.reader.SentenceScorer;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.server.eval.KeyFact;
import ai.hybridchat.server.eval.QaItem;
import ai.hybridchat.tuning.reader.ListwiseRankerFit;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        EmbeddingModel embeddings = Embeddings.allMiniLmL6V2();
        PassagePointer pointer = new PassagePointer(embeddings, 0.5, SentenceScorer.cosineBaseline(),
                new ai.hybridchat.retrieval.EnglishTerms());
        List<ListwiseRankerFit.Question> training = new ArrayList<>();
        Map<String, List<ListwiseRankerFit.Question>> bySet = new LinkedHashMap<>();
        Map<String, Integer> asked = new LinkedHashMap<>();
        for (String set : sets) {
            List<ListwiseRankerFit.Question> qs = questions(set, pointer, embeddings, asked);
            bySet.put("train " + set, qs);
            training.addAll(qs);
        }
        for (String set : heldout) {
            bySet.put("held-out " + set, questions(set, pointer, embeddings, asked));
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
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        spec.commandLine().getOut().println("wrote " + out + ": " + weights);
        return 0;
    }

    /** The questions of one set whose answer sentence is among the retrieved passages, as ranker questions. */
    private List<ListwiseRankerFit.Question> questions(String set, PassagePointer pointer, EmbeddingModel embeddings,
                                                       Map<String, Integer> asked) throws IOException {
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
        try (ChunkIndex index = ChunkIndex.open(indexDir, embeddings)) {
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
                    out.add(new ListwiseRankerFit.Question(features, correct));
                }
            }
        } finally {
            ai.hybridchat.core.model.AtomicFiles.deleteRecursively(indexDir);
        }
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
