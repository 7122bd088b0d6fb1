package ai.hybridchat.retrieval;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.IndexSearcher;

/** What {@link LuceneChunkSearcher} needs of a Lucene index: point-in-time searchers, its analyzer, its embedder. */
interface LuceneSearchSource {
    /** A point-in-time searcher; hand it back with {@link #release}. */
    IndexSearcher acquire();

    void release(IndexSearcher searcher);

    Analyzer analyzer();

    /** Null for a lexical-only index. */
    BatchEmbedder embedder();

    /** Where the index is, for messages. */
    String location();

    /** True while the stored vectors are another model's than {@link #embedder()}'s: dense search is refused. */
    boolean embeddingModelChanged();
}
