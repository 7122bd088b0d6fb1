package ai.hybridchat.server.bench;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.retrieval.RetrievalScores;
import ai.hybridchat.retrieval.SearchMode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code platform bench embedding-tuning}: the tuned retriever against the pretrained one on questions it was not tuned on. */
@Command(name = "embedding-tuning", mixinStandardHelpOptions = true,
        description = "Tune all-MiniLM-L6-v2 on the demo's training questions (and on CISI, two folds) and measure held-out ranking.")
final class EmbeddingTuningCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cisi", paramLabel = "DIR", description = "A BEIR folder (CISI) for the two-fold run; without it, the demo only.")
    Path cisi;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "16", description = "Pairs per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "128", description = "Tokens per text (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--pairs-per-query", defaultValue = "8", description = "CISI: relevant documents per training query (default: ${DEFAULT-VALUE}).")
    int pairsPerQuery;

    @Option(names = "--no-reranker", description = "CISI: skip the cross-encoder reranker runs.")
    boolean noReranker;

    @Option(names = "--no-inverse-cloze", description = "CISI: skip the model tuned on pseudo-queries from the documents alone.")
    boolean noInverseCloze;

    @Option(names = "--demo", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the demo part (default: ${DEFAULT-VALUE}; --no-demo skips it).")
    boolean demo;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the fold split and the runs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("embedding-bench-");
        EmbeddingTuningBenchmark bench = new EmbeddingTuningBenchmark(
                new EmbeddingTuningBenchmark.Settings(epochs, batch, maxLength, pairsPerQuery, seed, !noReranker,
                        !noInverseCloze), line -> {
                    spec.commandLine().getErr().println(line);
                    spec.commandLine().getErr().flush();
                });
        try {
            out.printf(Locale.ROOT, "%d cores; epochs %d, batch %d, max length %d, seed %d%n%n",
                    Runtime.getRuntime().availableProcessors(), epochs, batch, maxLength, seed);
            out.println("demo (answer chunk among the demo's chunks): | questions | model | mode | recall@1 | MRR@10 | nDCG@10 |");
            out.println("|---|---|---|---|---|---|");
            for (var set : (demo ? bench.demo(work) : Map.<String, Map<String, Map<SearchMode, EmbeddingTuningBenchmark.ChunkRanking>>>of())
                    .entrySet()) {
                for (var model : set.getValue().entrySet()) {
                    for (var mode : model.getValue().entrySet()) {
                        var r = mode.getValue();
                        out.printf(Locale.ROOT, "| %s (%d) | %s | %s | %.3f | %.3f | %.3f |%n", set.getKey(), r.questions(), model.getKey(),
                                mode.getKey().wireName(), r.recallAt1(), r.mrr10(), r.ndcg10());
                    }
                }
            }
            out.flush();
            if (cisi != null) {
                List<Map<String, Map<SearchMode, RetrievalScores>>> folds = bench.cisi(cisi, work);
                out.println();
                out.println("CISI, nDCG@10 on each fold's held-out queries: | model | mode | fold 1 | fold 2 | mean |");
                out.println("|---|---|---|---|---|");
                for (String model : folds.get(0).keySet()) {
                    for (SearchMode mode : List.of(SearchMode.BM25, SearchMode.DENSE, SearchMode.FUSED)) {
                        RetrievalScores a = folds.get(0).get(model).get(mode);
                        RetrievalScores b = folds.get(1).get(model).get(mode);
                        if (a == null || b == null) {
                            continue;
                        }
                        out.printf(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f |%n", model, mode.wireName(), a.ndcg10(), b.ndcg10(),
                                (a.ndcg10() + b.ndcg10()) / 2);
                    }
                }
            }
            return 0;
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }
}
