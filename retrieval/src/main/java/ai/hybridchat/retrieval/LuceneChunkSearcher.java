package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.RetrievedPassage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
 * Searches a Lucene chunk index ({@link LuceneSearchSource}) in one of three {@link SearchMode}s (the Lucene {@link ChunkSearch}).
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
final class LuceneChunkSearcher implements ChunkSearch {
    private final LuceneSearchSource index;
    private final SearchOptions options;
    private final SnippetHighlighter highlighter;

    LuceneChunkSearcher(LuceneSearchSource index, SearchOptions options) {
        this.index = Objects.requireNonNull(index, "index");
        this.options = Objects.requireNonNull(options, "options");
        this.highlighter = new SnippetHighlighter(index.analyzer(), options.snippetChars(), options.snippetStyle());
    }

    @Override
    public SearchOptions options() {
        return options;
    }

    @Override
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
    @Override
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
        SearchPreconditions.check(query, mode, k, index.embedder(), index.location(), index.embeddingModelChanged());
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
        List<RankFusion.Scored<Integer>> fused = options.rankFusion().fuse(scored(bm25(searcher, lexical, depth)),
                scored(dense(searcher, query, allowed, depth)), k);
        return fused.stream().map(f -> new Hit(f.item(), f.score())).toList();
    }

    private static List<RankFusion.Scored<Integer>> scored(List<Hit> hits) {
        return hits.stream().map(h -> new RankFusion.Scored<>(h.doc(), h.score())).toList();
    }

    private static List<Hit> hits(ScoreDoc[] scoreDocs, boolean cosine) {
        List<Hit> hits = new ArrayList<>(scoreDocs.length);
        for (ScoreDoc sd : scoreDocs) {
            hits.add(new Hit(sd.doc, cosine ? 2.0 * sd.score - 1.0 : sd.score));
        }
        return hits;
    }
}
