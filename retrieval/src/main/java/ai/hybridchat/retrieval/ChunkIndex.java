package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.Closeable;
import java.util.Collection;
import java.util.List;

/**
 * The chunk index the platform retrieves from: the store (documents in, as chunks with their
 * embeddings, updated by content hash, deleted, rebuilt) and its {@link ChunkSearch}. The rest of
 * retrieval and the server use only this; {@link LuceneChunkIndex}, a Lucene directory on the
 * local disk, is the embedded engine, and another engine (a search cluster) plugs in here.
 *
 * <p>Every write is durable when it returns and visible to searches started after it.
 */
public interface ChunkIndex extends Closeable {
    /** Where the index lives, for messages: a folder, a collection. */
    String location();

    boolean isReadOnly();

    /** True when dense search is possible: an embedding model is attached. */
    boolean hasEmbeddings();

    /**
     * True when the stored vectors were made by another embedding model than the attached one:
     * until a full rebuild re-embeds them, dense search is wrong and adding documents is refused.
     */
    default boolean embeddingModelChanged() {
        return false;
    }

    /** How documents are split on the way in. */
    Chunker chunker();

    /** Indexes one document (replacing an older version with the same id). */
    default IndexUpdate upsert(Document document) {
        return upsertAll(List.of(document), IndexProgress.NONE).get(0);
    }

    default List<IndexUpdate> upsertAll(Collection<Document> documents) {
        return upsertAll(documents, IndexProgress.NONE);
    }

    /**
     * Indexes documents in one commit. A document whose chunks are unchanged is not rewritten, and
     * a chunk whose text is indexed already keeps its vector. When two documents share an id the
     * last one wins. Returns one update per distinct id, in order.
     */
    List<IndexUpdate> upsertAll(Collection<Document> documents, IndexProgress progress);

    /**
     * A full reindex: afterwards the index holds exactly {@code documents}, built beside the live
     * index and swapped in at once, so searches never see a half-built index.
     */
    List<IndexUpdate> replaceAll(Collection<Document> documents, IndexProgress progress);

    /**
     * A full reindex with another embedding model: every vector is made anew by {@code model},
     * beside the live index, and swapped in at once; from then on queries and additions use it.
     */
    default List<IndexUpdate> replaceAll(Collection<Document> documents, IndexProgress progress, EmbeddingModel model) {
        throw new UnsupportedOperationException(location() + " cannot change its embedding model while it runs");
    }

    /** The name of the embedding model the index embeds with ({@link EmbeddingModel#modelName()}), or null without one. */
    default String embeddingModelName() {
        return null;
    }

    /** Removes every chunk of a document; false when it was not indexed. */
    boolean delete(String docId);

    /** Removes everything. */
    void clear();

    /** Makes every write so far durable and visible to searches. Writes already commit. */
    void commit();

    int documentCount();

    int chunkCount();

    /** Every indexed document, ordered by id. */
    List<IndexedDocument> documents();

    /** The chunks of one document in order, empty when it is not indexed. */
    List<Chunk> chunks(String docId);

    /** Searches this index with {@code options}. */
    ChunkSearch searcher(SearchOptions options);

    default ChunkSearch searcher() {
        return searcher(SearchOptions.defaults());
    }

    @Override
    void close();
}
