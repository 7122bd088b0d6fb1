package ai.hybridchat.retrieval;

import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.encoder.PairScorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A search whose top {@code depth} candidates a cross-encoder reorders ({@link PairScorer}): the
 * first stage (BM25, dense or fused, any engine) finds, the reranker reads each candidate with the
 * query and ranks them by its score; candidates below the depth keep their order after them.
 */
public final class RerankingSearch implements ChunkSearch {
    /** Candidates reranked per query when the config names no depth. */
    public static final int DEFAULT_DEPTH = 20;

    private final ChunkSearch first;
    private final PairScorer scorer;
    private final int depth;

    public RerankingSearch(ChunkSearch first, PairScorer scorer, int depth) {
        this.first = Objects.requireNonNull(first, "first stage");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        if (depth < 1) {
            throw new IllegalArgumentException("rerank depth must be at least 1, got " + depth);
        }
        this.depth = depth;
    }

    @Override
    public SearchOptions options() {
        return first.options();
    }

    @Override
    public List<RetrievedPassage> search(String query, SearchMode mode, int k, MetadataFilter filter) {
        List<RetrievedPassage> candidates = first.search(query, mode, Math.max(k, depth), filter);
        return reranked(query, candidates).subList(0, Math.min(k, candidates.size()));
    }

    @Override
    public List<String> rankDocuments(String query, SearchMode mode, int depthOfDocuments) {
        // the reranker reads passages, which the first stage's document ranking does not carry:
        // its top passages are fetched for that, and its deep document ranking fills in below them
        Set<String> out = new LinkedHashSet<>();
        for (RetrievedPassage p : reranked(query, first.search(query, mode, depth, MetadataFilter.NONE))) {
            out.add(p.chunk().docId());
        }
        out.addAll(first.rankDocuments(query, mode, depthOfDocuments));
        return new ArrayList<>(out).subList(0, Math.min(out.size(), depthOfDocuments));
    }

    private List<RetrievedPassage> reranked(String query, List<RetrievedPassage> candidates) {
        int n = Math.min(depth, candidates.size());
        List<String> texts = candidates.subList(0, n).stream().map(p -> p.chunk().text()).toList();
        double[] scores = scorer.score(query, texts);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> -scores[i]));
        List<RetrievedPassage> out = new ArrayList<>(candidates.size());
        for (int i : order) {
            RetrievedPassage p = candidates.get(i);
            out.add(new RetrievedPassage(p.chunk(), scores[i], p.snippet()));
        }
        out.addAll(candidates.subList(n, candidates.size()));
        return out;
    }
}
