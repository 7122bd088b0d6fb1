package ai.hybridchat.retrieval;

import java.util.Objects;

/** What every engine's search checks before it runs: a query, a positive k, and the vectors a dense or fused search needs. */
final class SearchPreconditions {
    private SearchPreconditions() {
    }

    /**
     * @param embedder     the index's embedder, null for a lexical-only index
     * @param modelChanged true while the stored vectors are another model's than {@code embedder}'s
     */
    static void check(String query, SearchMode mode, int k, BatchEmbedder embedder, String location, boolean modelChanged) {
        Objects.requireNonNull(mode, "mode");
        LexicalQuery.requireText(query);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (mode != SearchMode.BM25 && embedder == null) {
            throw new IllegalStateException(mode.wireName() + " search needs an embedding model, and the index at "
                    + location + " was opened without one");
        }
        if (mode != SearchMode.BM25 && modelChanged) {
            throw new IllegalStateException(mode.wireName() + " search of " + location + " with "
                    + embedder.modelName() + ", but its vectors were made by another model: rebuild the index "
                    + "(platform index --full) or search with the model it was built with (--embedding-model)");
        }
    }
}
