package ai.hybridchat.retrieval;

import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import java.util.List;
import java.util.Objects;

/** The platform's {@link Retriever} over a {@link ChunkIndex}: hybrid search unless told otherwise. */
public final class LuceneRetriever implements Retriever {
    private final ChunkSearch searcher;
    private final SearchMode mode;

    /** Hybrid search with default options. */
    public LuceneRetriever(ChunkIndex index) {
        this(index.searcher(), SearchMode.FUSED);
    }

    public LuceneRetriever(ChunkIndex index, SearchMode mode) {
        this(index.searcher(), mode);
    }

    public LuceneRetriever(ChunkSearch searcher, SearchMode mode) {
        this.searcher = Objects.requireNonNull(searcher, "searcher");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    public SearchMode mode() {
        return mode;
    }

    /** @throws IllegalArgumentException for an empty query or {@code k < 1} */
    @Override
    public List<RetrievedPassage> retrieve(String query, int k) {
        return searcher.search(query, mode, k);
    }
}
