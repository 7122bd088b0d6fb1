package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * How a {@link Chunk} is laid out as a Lucene document: one Lucene document per chunk.
 *
 * <ul>
 *   <li>{@code id}, {@code docId}: exact-match keys (stored); updates and deletes go by {@code docId}.</li>
 *   <li>{@code title}, {@code source}, {@code hash}, {@code chunks} (the document's chunk count): stored only.</li>
 *   <li>{@code ordinal}: point-indexed and stored; ordinal 0 marks one chunk per document, for counting.</li>
 *   <li>{@code text}: analysed with {@code EnglishAnalyzer} for BM25 and stored for snippets.</li>
 *   <li>{@code meta.KEY}: each metadata entry of the document, exact-match and stored (filters).</li>
 *   <li>{@code vector}: the chunk embedding, HNSW-indexed for cosine similarity (absent in a
 *       lexical-only index).</li>
 * </ul>
 */
final class ChunkSchema {
    static final String ID = "id";
    static final String DOC_ID = "docId";
    static final String TITLE = "title";
    static final String SOURCE = "source";
    static final String ORDINAL = "ordinal";
    static final String HASH = "hash";
    static final String CHUNK_COUNT = "chunks";
    static final String TEXT = "text";
    /** The document title a chunk's text lacks ({@link ChunkContext}), searched beside the text, not stored. */
    static final String CONTEXT = "context";
    static final String VECTOR = "vector";
    static final String META = "meta.";
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.COSINE;

    private ChunkSchema() {
    }

    static Document toLucene(Chunk chunk, int chunkCount, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(ID, chunk.id(), Field.Store.YES));
        doc.add(new StringField(DOC_ID, chunk.docId(), Field.Store.YES));
        doc.add(new StoredField(TITLE, chunk.title() == null ? chunk.docId() : chunk.title()));
        doc.add(new StoredField(SOURCE, chunk.source() == null ? "" : chunk.source()));
        doc.add(new IntField(ORDINAL, chunk.ordinal(), Field.Store.YES));
        doc.add(new StoredField(HASH, chunk.contentHash() == null ? ContentHash.sha256(chunk.text()) : chunk.contentHash()));
        doc.add(new StoredField(CHUNK_COUNT, chunkCount));
        doc.add(new TextField(TEXT, chunk.text(), Field.Store.YES));
        String context = ChunkContext.missingTitle(chunk);
        if (!context.isEmpty()) {
            doc.add(new TextField(CONTEXT, context, Field.Store.NO));
        }
        for (Map.Entry<String, String> m : chunk.metadata().entrySet()) {
            doc.add(new StringField(META + m.getKey(), m.getValue(), Field.Store.YES));
        }
        if (vector != null) {
            doc.add(new KnnFloatVectorField(VECTOR, vector, SIMILARITY));
        }
        return doc;
    }

    static Chunk toChunk(Document stored) {
        Map<String, String> metadata = new TreeMap<>();
        for (IndexableField f : stored.getFields()) {
            if (f.name().startsWith(META)) {
                metadata.put(f.name().substring(META.length()), f.stringValue());
            }
        }
        return new Chunk(stored.get(ID), stored.get(DOC_ID), stored.get(TITLE), stored.get(SOURCE),
                stored.getField(ORDINAL).numericValue().intValue(), stored.get(TEXT), stored.get(HASH), metadata);
    }
}
