package ai.hybridchat.retrieval;

import ai.hybridchat.core.RetrievedPassage;
import java.util.List;

/** Searching a {@link ChunkIndex} in one of three {@link SearchMode}s. Thread-safe. */
public interface ChunkSearch {
    SearchOptions options();

    /**
     * The {@code k} best chunks for {@code query}, best first, with snippets.
     *
     * @throws IllegalArgumentException for an empty query or {@code k < 1}
     * @throws IllegalStateException    for dense or fused search on an index opened without an embedding model
     */
    default List<RetrievedPassage> search(String query, SearchMode mode, int k) {
        return search(query, mode, k, MetadataFilter.NONE);
    }

    /** As {@link #search(String, SearchMode, int)}, among the chunks {@code filter} allows only. */
    List<RetrievedPassage> search(String query, SearchMode mode, int k, MetadataFilter filter);

    /**
     * Document ids for {@code query}, best first, each once (at its best chunk), from the top
     * {@code depth} chunks; no snippets: what evaluation against document-level judgements needs.
     */
    List<String> rankDocuments(String query, SearchMode mode, int depth);
}
