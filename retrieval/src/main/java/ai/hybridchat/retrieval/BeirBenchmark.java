package ai.hybridchat.retrieval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints the retrieval quality of each search mode on a BEIR folder:
 * <pre>
 * java ... ai.hybridchat.retrieval.BeirBenchmark --beir DIR [--mode bm25|dense|hybrid|all]
 *                                                 [--chunk MAX_CHARS,OVERLAP_CHARS]
 * </pre>
 * The corpus is indexed once (embedded only if a dense or hybrid mode is asked for), each
 * corpus entry as one chunk unless {@code --chunk} is given.
 */
public final class BeirBenchmark {
    private BeirBenchmark() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(String[] args) {
        Path beir = null;
        Set<SearchMode> modes = EnumSet.allOf(SearchMode.class);
        Chunker chunker = Chunker.wholeDocuments();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = args[++i];
            switch (flag) {
                case "--beir" -> beir = Path.of(value);
                case "--mode" -> modes = "all".equalsIgnoreCase(value) ? EnumSet.allOf(SearchMode.class)
                        : EnumSet.of(SearchMode.parse(value));
                case "--chunk" -> {
                    String[] parts = value.split(",");
                    if (parts.length != 2) {
                        throw new IllegalArgumentException("--chunk takes MAX_CHARS,OVERLAP_CHARS, got '" + value + "'");
                    }
                    chunker = Chunker.recursive(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                }
                default -> throw new IllegalArgumentException("unknown option " + flag
                        + " (usage: --beir DIR [--mode bm25|dense|hybrid|all] [--chunk MAX,OVERLAP])");
            }
        }
        if (beir == null) {
            throw new IllegalArgumentException("--beir DIR is required");
        }
        BeirDataset data = BeirDataset.load(beir);
        boolean dense = modes.stream().anyMatch(m -> m != SearchMode.BM25);
        long t0 = System.nanoTime();
        RetrievalEvaluator evaluator = new RetrievalEvaluator(dense ? Embeddings.allMiniLmL6V2() : null,
                SearchOptions.defaults(), chunker);
        Map<SearchMode, RetrievalScores> scores = evaluator.evaluate(data, new ArrayList<>(modes));
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d documents, %d judged queries, chunker %s, %.1f s%n",
                data.name(), data.corpus().size(), data.judgedQueryIds().size(), chunker, seconds);
        System.out.printf(Locale.ROOT, "%-7s %8s %11s %7s%n", "mode", "nDCG@10", "Recall@100", "MAP");
        for (SearchMode mode : List.copyOf(modes)) {
            RetrievalScores s = scores.get(mode);
            System.out.printf(Locale.ROOT, "%-7s %8.4f %11.4f %7.4f%n", mode.wireName(), s.ndcg10(), s.recall100(), s.map());
        }
        return 0;
    }
}
