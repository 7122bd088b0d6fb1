package ai.hybridchat.retrieval;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;

import java.io.IOException;
import java.text.BreakIterator;
import java.util.Locale;

/**
 * Citation snippets: Lucene's {@link UnifiedHighlighter} picks the best-scoring sentence of each
 * chunk for the BM25 query (re-analysing the stored text, so no offsets need to be indexed) and
 * {@link SnippetFormatter} trims and marks it. A chunk with no query term in it (a dense-only hit)
 * gets its opening words instead.
 */
final class SnippetHighlighter {
    private final Analyzer analyzer;
    private final SnippetFormatter formatter;

    SnippetHighlighter(Analyzer analyzer, int maxChars, SnippetStyle style) {
        this.analyzer = analyzer;
        this.formatter = new SnippetFormatter(maxChars, style);
    }

    /**
     * One snippet per text, for an engine whose documents live elsewhere (a search cluster): each
     * text is analysed here, with no collection statistics, so the best sentence may differ from
     * the local index's pick where several match equally.
     */
    String[] snippets(Query query, String[] texts) throws IOException {
        String[] out = new String[texts.length];
        UnifiedHighlighter highlighter = UnifiedHighlighter.builderWithoutSearcher(analyzer)
                .withFormatter(formatter)
                .withMaxNoHighlightPassages(0)
                .withBreakIterator(() -> BreakIterator.getSentenceInstance(Locale.ROOT))
                .build();
        for (int i = 0; i < texts.length; i++) {
            Object h = highlighter.highlightWithoutSearcher(ChunkSchema.TEXT, query, texts[i], 1);
            out[i] = h == null || h.toString().isBlank() ? formatter.leading(texts[i]) : h.toString();
        }
        return out;
    }

    /** One snippet per Lucene doc id, in the order given; {@code texts} are the stored chunk texts of those docs. */
    String[] snippets(IndexSearcher searcher, Query query, int[] docIds, String[] texts) throws IOException {
        String[] out = new String[docIds.length];
        if (docIds.length > 0) {
            UnifiedHighlighter highlighter = UnifiedHighlighter.builder(searcher, analyzer)
                    .withFormatter(formatter)
                    .withMaxNoHighlightPassages(0)
                    .withBreakIterator(() -> BreakIterator.getSentenceInstance(Locale.ROOT))
                    .build();
            String[] highlighted = highlighter.highlightFields(new String[] {ChunkSchema.TEXT}, query, docIds,
                    new int[] {1}).get(ChunkSchema.TEXT);
            if (highlighted != null) {
                System.arraycopy(highlighted, 0, out, 0, docIds.length);
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null || out[i].isBlank()) {
                out[i] = formatter.leading(texts[i]);
            }
        }
        return out;
    }
}
