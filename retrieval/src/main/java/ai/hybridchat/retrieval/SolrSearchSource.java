package ai.hybridchat.retrieval;

import org.apache.solr.client.solrj.SolrClient;

/** What {@link SolrChunkSearcher} needs of a Solr chunk index: its client, the generation to query, its embedder. */
interface SolrSearchSource {
    SolrClient client();

    /** The collection generation searches go to. */
    String liveCollection();

    /** Null for a lexical-only index. */
    BatchEmbedder embedder();

    /** Where the index is, for messages. */
    String location();

    /** True while the stored vectors are another model's than {@link #embedder()}'s: dense search is refused. */
    boolean embeddingModelChanged();
}
