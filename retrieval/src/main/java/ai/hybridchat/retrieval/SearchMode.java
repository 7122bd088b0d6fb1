package ai.hybridchat.retrieval;

import java.util.Locale;

/** How a query is matched against the chunks. */
public enum SearchMode {
    /** Lexical: BM25 over the English-analysed text. */
    BM25,
    /** Semantic: nearest chunk embeddings (cosine) to the query embedding. */
    DENSE,
    /** Reciprocal rank fusion of the BM25 and dense rankings. */
    HYBRID;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code bm25|dense|hybrid} (any case); the message names the valid values. */
    public static SearchMode parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("search mode is required: one of bm25, dense, hybrid");
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown search mode '" + value + "': expected bm25, dense or hybrid");
        }
    }
}
