package ai.hybridchat.retrieval;

/**
 * Tuning knobs of {@link ChunkSearcher}.
 *
 * @param candidates  how deep each ranking goes before fusion (at least the k asked for)
 * @param rrfK        the k of reciprocal rank fusion: larger flattens the rank differences
 * @param bm25Weight  weight of the BM25 ranking in the fusion
 * @param denseWeight weight of the dense ranking in the fusion
 * @param snippetChars the longest snippet, in characters of text (markup not counted)
 * @param snippetStyle how matched terms are marked in snippets
 */
public record SearchOptions(int candidates, int rrfK, double bm25Weight, double denseWeight, int snippetChars,
                            SnippetStyle snippetStyle) {
    public static final int DEFAULT_CANDIDATES = 50;
    public static final int DEFAULT_SNIPPET_CHARS = 240;

    public SearchOptions {
        if (candidates <= 0) {
            throw new IllegalArgumentException("candidates must be positive: " + candidates);
        }
        if (rrfK < 0) {
            throw new IllegalArgumentException("rrfK must not be negative: " + rrfK);
        }
        if (bm25Weight < 0 || denseWeight < 0 || bm25Weight + denseWeight == 0) {
            throw new IllegalArgumentException("fusion weights must be non-negative and not both zero");
        }
        if (snippetChars < 20) {
            throw new IllegalArgumentException("snippetChars must be at least 20: " + snippetChars);
        }
        if (snippetStyle == null) {
            throw new IllegalArgumentException("snippetStyle is required");
        }
    }

    /** Top 50 of each ranking, RRF k=60, equal weights, 240-character HTML snippets. */
    public static SearchOptions defaults() {
        return new SearchOptions(DEFAULT_CANDIDATES, ReciprocalRankFusion.DEFAULT_K, 1.0, 1.0,
                DEFAULT_SNIPPET_CHARS, SnippetStyle.HTML);
    }

    public SearchOptions withWeights(double bm25, double dense) {
        return new SearchOptions(candidates, rrfK, bm25, dense, snippetChars, snippetStyle);
    }

    public SearchOptions withCandidates(int n) {
        return new SearchOptions(n, rrfK, bm25Weight, denseWeight, snippetChars, snippetStyle);
    }

    public SearchOptions withRrfK(int k) {
        return new SearchOptions(candidates, k, bm25Weight, denseWeight, snippetChars, snippetStyle);
    }

    public SearchOptions withSnippets(int chars, SnippetStyle style) {
        return new SearchOptions(candidates, rrfK, bm25Weight, denseWeight, chars, style);
    }
}
