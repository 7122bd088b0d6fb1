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
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.common.SolrDocument;

/**
 * The three search modes on a Solr chunk index ({@link SolrSearchSource}), ranked as the local engine ranks them
 * ({@link LuceneChunkSearcher}): BM25 is the same literal query over {@code text} and
 * {@code context} (each field's BM25 summed, as Lucene's multi-field query sums them), scored with
 * the collection's global term statistics ({@code ExactStatsCache} in the configset), so shards
 * do not skew it; dense is Solr's {@code knn} parser over the same HNSW vectors, each shard
 * returning its top {@code max(k, candidates)} and the merge keeping the best; hybrid fetches both
 * lists and fuses them here with the same {@link RankFusion}. Metadata filters are filter queries
 * (a pre-filter of the knn search). Snippets are picked here from the stored text.
 */
final class SolrChunkSearcher implements ChunkSearch {
    private final SolrSearchSource index;
    private final SearchOptions options;
    private final EnglishAnalyzer analyzer = new EnglishAnalyzer();
    private final SnippetHighlighter highlighter;

    SolrChunkSearcher(SolrSearchSource index, SearchOptions options) {
        this.index = Objects.requireNonNull(index, "index");
        this.options = Objects.requireNonNull(options, "options");
        this.highlighter = new SnippetHighlighter(analyzer, options.snippetChars(), options.snippetStyle());
    }

    @Override
    public SearchOptions options() {
        return options;
    }

    @Override
    public List<RetrievedPassage> search(String query, SearchMode mode, int k, MetadataFilter filter) {
        check(query, mode, k);
        List<Hit> hits = rank(query, mode, k, filter);
        String[] texts = hits.stream().map(h -> h.chunk().text()).toArray(String[]::new);
        try {
            String[] snippets = highlighter.snippets(LexicalQuery.parse(query, analyzer), texts);
            List<RetrievedPassage> out = new ArrayList<>(hits.size());
            for (int i = 0; i < hits.size(); i++) {
                out.add(new RetrievedPassage(hits.get(i).chunk(), hits.get(i).score(), snippets[i]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("snippets failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> rankDocuments(String query, SearchMode mode, int depth) {
        check(query, mode, depth);
        LinkedHashSet<String> docIds = new LinkedHashSet<>();
        rank(query, mode, depth, MetadataFilter.NONE).forEach(h -> docIds.add(h.chunk().docId()));
        return List.copyOf(docIds);
    }

    private void check(String query, SearchMode mode, int k) {
        SearchPreconditions.check(query, mode, k, index.embedder(), index.location(), index.embeddingModelChanged());
    }

    /** A chunk and its score in the mode's scale. */
    private record Hit(Chunk chunk, double score) {
    }

    private List<Hit> rank(String query, SearchMode mode, int k, MetadataFilter filter) {
        String collection = index.liveCollection();
        return switch (mode) {
            case BM25 -> bm25(collection, query, k, filter);
            case DENSE -> dense(collection, query, k, filter);
            case FUSED -> hybrid(collection, query, k, filter);
        };
    }

    private List<Hit> bm25(String collection, String query, int n, MetadataFilter filter) {
        String literal = LexicalQuery.literal(query);
        SolrQuery q = new SolrQuery(ChunkSchema.TEXT + ":(" + literal + ") " + ChunkSchema.CONTEXT + ":(" + literal + ")");
        q.set("defType", "lucene");
        q.set("q.op", "OR");
        q.set("sow", true);
        return run(collection, q, n, filter, false);
    }

    /** At least {@code candidates} explored per shard, as the local engine's HNSW beam. */
    private List<Hit> dense(String collection, String query, int n, MetadataFilter filter) {
        float[] vector = index.embedder().embed(query);
        int beam = Math.max(n, options.candidates());
        StringBuilder v = new StringBuilder("[");
        for (int i = 0; i < vector.length; i++) {
            v.append(i == 0 ? "" : ",").append(vector[i]);
        }
        SolrQuery q = new SolrQuery("{!knn f=" + ChunkSchema.VECTOR + " topK=" + beam + "}" + v.append(']'));
        List<Hit> hits = run(collection, q, beam, filter, true);
        return hits.size() > n ? hits.subList(0, n) : hits;
    }

    private List<Hit> hybrid(String collection, String query, int k, MetadataFilter filter) {
        int depth = Math.max(k, options.candidates());
        List<Hit> lexical = bm25(collection, query, depth, filter);
        List<Hit> semantic = dense(collection, query, depth, filter);
        Map<String, Chunk> byId = new HashMap<>();
        lexical.forEach(h -> byId.put(h.chunk().id(), h.chunk()));
        semantic.forEach(h -> byId.put(h.chunk().id(), h.chunk()));
        return options.rankFusion().fuse(scored(lexical), scored(semantic), k).stream()
                .map(f -> new Hit(byId.get(f.item()), f.score())).toList();
    }

    private static List<RankFusion.Scored<String>> scored(List<Hit> hits) {
        return hits.stream().map(h -> new RankFusion.Scored<>(h.chunk().id(), h.score())).toList();
    }

    private List<Hit> run(String collection, SolrQuery q, int rows, MetadataFilter filter, boolean cosine) {
        q.setRows(rows);
        q.set("fl", SolrChunkSchema.FIELDS);
        for (Map.Entry<String, List<String>> e : filter.allowed().entrySet()) {
            String field = e.getKey().equals("docId") ? ChunkSchema.DOC_ID : ChunkSchema.META + e.getKey();
            q.addFilterQuery(SolrChunkSchema.anyOf(field, e.getValue()));
        }
        try {
            List<Hit> out = new ArrayList<>();
            for (SolrDocument d : index.client().query(collection, q).getResults()) {
                double score = ((Number) d.getFirstValue("score")).doubleValue();
                // Solr's knn score is Lucene's (1 + cos) / 2: back to the cosine, as the local engine reports it
                out.add(new Hit(SolrChunkSchema.toChunk(d), cosine ? 2.0 * score - 1.0 : score));
            }
            return out;
        } catch (SolrServerException | IOException e) {
            throw new UncheckedIOException(new IOException("search of " + index.location() + " failed: " + e.getMessage(), e));
        }
    }
}
