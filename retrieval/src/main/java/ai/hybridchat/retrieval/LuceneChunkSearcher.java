package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.RetrievedPassage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;

/**
 * Searches a {@link ChunkIndex} in one of three {@link SearchMode}s.
 *
 * <ul>
 *   <li>{@code BM25}: the user's text as a literal {@link LexicalQuery}; the score is BM25.</li>
 *   <li>{@code DENSE}: HNSW nearest neighbours of the query embedding; the score is the cosine
 *       similarity (Lucene's {@code (1 + cos) / 2} mapped back to {@code cos}).</li>
 *   <li>{@code FUSED} ({@code hybrid} on the command line): the top {@code max(k, candidates)} of
 *       both rankings fused as {@link SearchOptions#fusion()} says: a convex combination of their
 *       normalised scores (the default) or {@link ReciprocalRankFusion}; the score is the fused one.</li>
 * </ul>
 *
 * Both rankings of a fused search and the snippets come from one point-in-time searcher, so a
 * concurrent write cannot mix index versions within a result. Thread-safe.
 */
public final class ChunkSearcher {
    private final ChunkIndex index;
    private final SearchOptions options;
    private final SnippetHighlighter highlighter;

    public ChunkSearcher(ChunkIndex index) {
        this(index, SearchOptions.defaults());
    }

    public ChunkSearcher(ChunkIndex index, SearchOptions options) {
        this.index = Objects.requireNonNull(index, "index");
        this.options = Objects.requireNonNull(options, "options");
        this.highlighter = new SnippetHighlighter(index.analyzer(), options.snippetChars(), options.snippetStyle());
    }

    public ChunkIndex index() {
        return index;
    }

    public SearchOptions options() {
        return options;
    }

    /**
     * The {@code k} best chunks for {@code query}, best first, with snippets.
     *
     * @throws IllegalArgumentException for an empty query or {@code k < 1}
     * @throws IllegalStateException    for dense or hybrid search on an index opened without an embedding model
     */
    public List<RetrievedPassage> search(String query, SearchMode mode, int k) {
        return search(query, mode, k, MetadataFilter.NONE);
    }

    /** As {@link #search(String, SearchMode, int)}, among the chunks {@code filter} allows only. */
    public List<RetrievedPassage> search(String query, SearchMode mode, int k, MetadataFilter filter) {
        Query lexical = prepare(query, mode, k);
        Query allowed = filter.toQuery();
        IndexSearcher searcher = index.acquire();
        try {
            List<Hit> hits = rank(searcher, query, lexical, allowed, mode, k);
            int[] docIds = new int[hits.size()];
            String[] texts = new String[hits.size()];
            List<Chunk> chunks = new ArrayList<>(hits.size());
            StoredFields stored = searcher.storedFields();
            for (int i = 0; i < hits.size(); i++) {
                docIds[i] = hits.get(i).doc;
                Chunk chunk = ChunkSchema.toChunk(stored.document(docIds[i]));
                chunks.add(chunk);
                texts[i] = chunk.text();
            }
            String[] snippets = highlighter.snippets(searcher, lexical, docIds, texts);
            List<RetrievedPassage> passages = new ArrayList<>(hits.size());
            for (int i = 0; i < hits.size(); i++) {
                passages.add(new RetrievedPassage(chunks.get(i), hits.get(i).score, snippets[i]));
            }
            return passages;
        } catch (IOException e) {
            throw new UncheckedIOException("search failed: " + e.getMessage(), e);
        } finally {
            index.release(searcher);
        }
    }

    /**
     * Document ids for {@code query}, best first, each once (at its best chunk), from the top
     * {@code depth} chunks; no snippets. This is what evaluation against document-level
     * relevance judgements needs.
     */
    public List<String> rankDocuments(String query, SearchMode mode, int depth) {
        Query lexical = prepare(query, mode, depth);
        IndexSearcher searcher = index.acquire();
        try {
            StoredFields stored = searcher.storedFields();
            Set<String> fields = Set.of(ChunkSchema.DOC_ID);
            LinkedHashSet<String> docIds = new LinkedHashSet<>();
            for (Hit hit : rank(searcher, query, lexical, null, mode, depth)) {
                docIds.add(stored.document(hit.doc, fields).get(ChunkSchema.DOC_ID));
            }
            return List.copyOf(docIds);
        } catch (IOException e) {
            throw new UncheckedIOException("search failed: " + e.getMessage(), e);
        } finally {
            index.release(searcher);
        }
    }

    private Query prepare(String query, SearchMode mode, int k) {
        Objects.requireNonNull(mode, "mode");
        LexicalQuery.requireText(query);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1: " + k);
        }
        if (mode != SearchMode.BM25 && !index.hasEmbeddings()) {
            throw new IllegalStateException(mode.wireName() + " search needs an embedding model, and the index at "
                    + index.path() + " was opened without one");
        }
        return LexicalQuery.parse(query, index.analyzer());
    }

    /** A Lucene doc id (valid for one searcher) and its score in the mode's scale. */
    private record Hit(int doc, double score) {
    }

    private List<Hit> rank(IndexSearcher searcher, String query, Query lexical, Query allowed, SearchMode mode, int k)
            throws IOException {
        Query filteredLexical = allowed == null ? lexical : new BooleanQuery.Builder()
                .add(lexical, BooleanClause.Occur.MUST)
                .add(allowed, BooleanClause.Occur.FILTER).build();
        return switch (mode) {
            case BM25 -> bm25(searcher, filteredLexical, k);
            case DENSE -> dense(searcher, query, allowed, k);
            case FUSED -> hybrid(searcher, query, filteredLexical, allowed, k);
        };
    }

    private static List<Hit> bm25(IndexSearcher searcher, Query lexical, int n) throws IOException {
        try {
            return hits(searcher.search(lexical, n).scoreDocs, false);
        } catch (IndexSearcher.TooManyClauses e) {
            throw new IllegalArgumentException("query has too many terms: " + e.getMessage(), e);
        }
    }

    /**
     * HNSW search uses k as its beam width, so a small k (a chat asking for 3 passages) can stop in
     * a local optimum of the graph; the search always explores at least {@code candidates} and
     * keeps the best n.
     */
    private List<Hit> dense(IndexSearcher searcher, String query, Query allowed, int n) throws IOException {
        float[] vector = index.embedder().embed(query);
        int beam = Math.max(n, options.candidates());
        List<Hit> hits = hits(searcher.search(new KnnFloatVectorQuery(ChunkSchema.VECTOR, vector, beam, allowed), beam).scoreDocs, true);
        return hits.size() > n ? hits.subList(0, n) : hits;
    }

    private List<Hit> hybrid(IndexSearcher searcher, String query, Query lexical, Query allowed, int k) throws IOException {
        int depth = Math.max(k, options.candidates());
        List<Hit> lexicalHits = bm25(searcher, lexical, depth);
        List<Hit> denseHits = dense(searcher, query, allowed, depth);
        if (options.fusion() == SearchOptions.Fusion.CONVEX) {
            return convex(lexicalHits, denseHits, k);
        }
        List<Integer> lexicalRanking = lexicalHits.stream().map(Hit::doc).toList();
        List<Integer> denseRanking = denseHits.stream().map(Hit::doc).toList();
        ReciprocalRankFusion rrf = new ReciprocalRankFusion(options.rrfK(), options.bm25Weight(), options.denseWeight());
        List<Hit> fused = new ArrayList<>(Math.min(k, depth * 2));
        for (ReciprocalRankFusion.Fused<Integer> f : rrf.fuse(List.of(lexicalRanking, denseRanking))) {
            if (fused.size() == k) {
                break;
            }
            fused.add(new Hit(f.item(), f.score()));
        }
        return fused;
    }

    /** Weighted sum of min-max normalised scores; a chunk missing from one ranking scores that ranking's minimum. */
    private List<Hit> convex(List<Hit> lexical, List<Hit> dense, int k) {
        Map<Integer, Double> fused = new HashMap<>();
        double total = options.bm25Weight() + options.denseWeight();
        addNormalised(fused, lexical, options.bm25Weight() / total);
        addNormalised(fused, dense, options.denseWeight() / total);
        return fused.entrySet().stream()
                .sorted(Map.Entry.<Integer, Double>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(k)
                .map(e -> new Hit(e.getKey(), e.getValue()))
                .toList();
    }

    private static void addNormalised(Map<Integer, Double> fused, List<Hit> hits, double weight) {
        double max = hits.stream().mapToDouble(Hit::score).max().orElse(0);
        double min = hits.stream().mapToDouble(Hit::score).min().orElse(0);
        double range = max - min;
        for (Hit h : hits) {
            fused.merge(h.doc(), weight * (range > 0 ? (h.score() - min) / range : 1.0), Double::sum);
        }
    }

    private static List<Hit> hits(ScoreDoc[] scoreDocs, boolean cosine) {
        List<Hit> hits = new ArrayList<>(scoreDocs.length);
        for (ScoreDoc sd : scoreDocs) {
            hits.add(new Hit(sd.doc, cosine ? 2.0 * sd.score - 1.0 : sd.score));
        }
        return hits;
    }
}
