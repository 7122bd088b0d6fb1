package ai.hybridchat.retrieval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Restricts a search to chunks whose metadata matches: every key must match (AND), one of a key's
 * values is enough (OR). {@code docId} filters by document id; any other key by the document's
 * metadata ({@code format}, {@code pages}, ...). Applied inside both rankings (a Lucene filter
 * clause for BM25, the pre-filter of the HNSW search for dense), so the k results are the k best
 * matching chunks, not the matching part of an unfiltered top k.
 */
public record MetadataFilter(Map<String, List<String>> allowed) {
    public static final MetadataFilter NONE = new MetadataFilter(Map.of());

    public MetadataFilter {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : allowed.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("a filter needs a key and at least one value, got " + e);
            }
            copy.put(e.getKey(), List.copyOf(e.getValue()));
        }
        allowed = Map.copyOf(copy);
    }

    /** Parses {@code key=value} terms (a key given twice allows either value). */
    public static MetadataFilter parse(List<String> terms) {
        Map<String, List<String>> allowed = new LinkedHashMap<>();
        for (String term : terms) {
            int eq = term.indexOf('=');
            if (eq <= 0 || eq == term.length() - 1) {
                throw new IllegalArgumentException("a filter is key=value, got '" + term + "'");
            }
            allowed.computeIfAbsent(term.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(term.substring(eq + 1).strip());
        }
        return new MetadataFilter(allowed);
    }

    public boolean isEmpty() {
        return allowed.isEmpty();
    }

    /** The Lucene query matching the allowed chunks, or null without a filter. */
    Query toQuery() {
        if (allowed.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (Map.Entry<String, List<String>> e : allowed.entrySet()) {
            String field = e.getKey().equals("docId") ? ChunkSchema.DOC_ID : ChunkSchema.META + e.getKey();
            BooleanQuery.Builder any = new BooleanQuery.Builder();
            for (String value : e.getValue()) {
                any.add(new TermQuery(new Term(field, value)), BooleanClause.Occur.SHOULD);
            }
            all.add(any.build(), BooleanClause.Occur.FILTER);
        }
        return all.build();
    }
}
