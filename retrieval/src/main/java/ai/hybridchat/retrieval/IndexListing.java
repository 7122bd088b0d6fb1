package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.document.IntField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;

/** What a Lucene chunk index holds, read from one point-in-time searcher: its documents and their chunks. */
final class IndexListing {
    private final IndexSearcher searcher;
    private final ChunkPlanner planner;

    IndexListing(IndexSearcher searcher, ChunkPlanner planner) {
        this.searcher = searcher;
        this.planner = planner;
    }

    /** Each document has exactly one chunk of ordinal 0, which carries its title, source and chunk count. */
    private static Query firstChunks() {
        return IntField.newExactQuery(ChunkSchema.ORDINAL, 0);
    }

    int documentCount() throws IOException {
        return searcher.count(firstChunks());
    }

    int chunkCount() {
        return searcher.getIndexReader().numDocs();
    }

    /** Every indexed document, ordered by id. */
    List<IndexedDocument> documents() throws IOException {
        int n = documentCount();
        if (n == 0) {
            return List.of();
        }
        StoredFields stored = searcher.storedFields();
        List<IndexedDocument> out = new ArrayList<>(n);
        for (ScoreDoc hit : searcher.search(firstChunks(), n).scoreDocs) {
            org.apache.lucene.document.Document d = stored.document(hit.doc);
            out.add(new IndexedDocument(d.get(ChunkSchema.DOC_ID), d.get(ChunkSchema.TITLE),
                    d.get(ChunkSchema.SOURCE), d.getField(ChunkSchema.CHUNK_COUNT).numericValue().intValue()));
        }
        out.sort(Comparator.comparing(IndexedDocument::docId));
        return out;
    }

    /** The chunks of one document in order, empty when it is not indexed. */
    List<Chunk> chunks(String docId) throws IOException {
        List<Chunk> out = new ArrayList<>();
        for (ChunkPlanner.Indexed c : planner.indexedChunks(searcher, docId, false)) {
            out.add(c.chunk());
        }
        return out;
    }
}
