package ai.hybridchat.retrieval;

import java.util.Locale;

/**
 * How a query is matched against the chunks. The fused mode is called {@code hybrid} on the command
 * line and in the configuration (DESIGN.md's contract); in code it is {@link #FUSED}, so that it is
 * never mistaken for the chat's hybrid mode ({@code Mode.HYBRID}: adapter plus passages), which a
 * request of that mode retrieves with.
 */
public enum SearchMode {
    /** Lexical: BM25 over the English-analysed text. */
    BM25("bm25"),
    /** Semantic: nearest chunk embeddings (cosine) to the query embedding. */
    DENSE("dense"),
    /** The BM25 and dense rankings fused (convex combination of normalised scores by default, or reciprocal rank fusion). */
    FUSED("hybrid");

    private final String wireName;

    SearchMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses {@code bm25|dense|hybrid} (any case; {@code fused} is {@code hybrid}); the message names the valid values. */
    public static SearchMode parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("search mode is required: one of bm25, dense, hybrid");
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (SearchMode m : values()) {
            if (m.wireName.equals(v) || m.name().toLowerCase(Locale.ROOT).equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown search mode '" + value + "': expected bm25, dense or hybrid");
    }
}
