package ai.hybridchat.retrieval;

import java.util.Locale;

/** Mean retrieval quality over the judged queries of a benchmark. */
public record RetrievalScores(double ndcg10, double recall100, double map, int queries) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "nDCG@10 %.4f  Recall@100 %.4f  MAP %.4f  (%d queries)",
                ndcg10, recall100, map, queries);
    }
}
