package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;

/**
 * What writing a document into the Lucene index takes, worked out against what the index holds:
 * its new chunks, whether they equal the indexed ones (then nothing is written), and which still
 * need a vector (a chunk whose text hash matches an indexed chunk of the document reuses its
 * stored vector instead of being embedded again).
 */
final class ChunkPlanner {
    /** A chunk as stored, with its vector when one was asked for. */
    record Indexed(Chunk chunk, float[] vector) {
    }

    /** What has to happen to one document: its new chunks, and which of them still need a vector. */
    static final class Plan {
        final Document document;
        final List<Chunk> chunks;
        final float[][] vectors;
        final List<Integer> missing = new ArrayList<>();
        boolean existed;
        boolean unchanged;

        Plan(Document document, List<Chunk> chunks) {
            this.document = document;
            this.chunks = chunks;
            this.vectors = new float[chunks.size()][];
        }
    }

    private final Chunker chunker;
    private final BatchEmbedder embedder;

    /** @param embedder null for a lexical-only index: no vectors are planned */
    ChunkPlanner(Chunker chunker, BatchEmbedder embedder) {
        this.chunker = chunker;
        this.embedder = embedder;
    }

    /** What an index holds of one document: its chunks in order, with their vectors when asked. */
    interface Holdings {
        List<Indexed> of(String docId, boolean withVectors) throws IOException;

        /**
         * The documents about to be planned, in order, so an engine behind a network can read
         * them in a few requests instead of one per document; an in-process index ignores it.
         */
        default void prefetch(List<String> docIds, boolean withVectors) throws IOException {
        }

        Holdings NONE = (docId, withVectors) -> List.of();
    }

    /** @param searcher what the index holds, or null to plan as if it held nothing (every vector made anew) */
    Plan plan(IndexSearcher searcher, Document document) throws IOException {
        return plan(searcher == null ? Holdings.NONE : (id, withVectors) -> indexedChunks(searcher, id, withVectors), document);
    }

    /** Tells {@code holdings} which documents {@link #plan(Holdings, Document)} asks for next. */
    void prefetch(Holdings holdings, List<String> docIds) throws IOException {
        holdings.prefetch(docIds, embedder != null);
    }

    /** {@code holdings}: what the index holds, from any engine. */
    Plan plan(Holdings holdings, Document document) throws IOException {
        Plan plan = new Plan(document, chunker.chunk(document));
        List<Indexed> existing = holdings.of(document.id(), embedder != null);
        plan.existed = !existing.isEmpty();
        Map<String, float[]> vectorByHash = new HashMap<>();
        existing.forEach(e -> {
            if (e.vector != null) {
                vectorByHash.put(e.chunk.contentHash(), e.vector);
            }
        });
        boolean same = existing.size() == plan.chunks.size();
        for (int i = 0; i < plan.chunks.size(); i++) {
            Chunk chunk = plan.chunks.get(i);
            if (same) {
                Chunk old = existing.get(i).chunk;
                same = old.contentHash().equals(chunk.contentHash()) && old.title().equals(chunk.title())
                        && old.source().equals(chunk.source()) && old.metadata().equals(chunk.metadata());
            }
            if (embedder != null) {
                plan.vectors[i] = vectorByHash.get(chunk.contentHash());
                if (plan.vectors[i] == null) {
                    plan.missing.add(i);
                }
            }
        }
        plan.unchanged = same && plan.missing.isEmpty();
        return plan;
    }

    /** The indexed chunks of a document in order, with their stored vectors when asked. */
    List<Indexed> indexedChunks(IndexSearcher searcher, String docId, boolean withVectors) throws IOException {
        TermQuery query = new TermQuery(new Term(ChunkSchema.DOC_ID, docId));
        int n = searcher.count(query);
        if (n == 0) {
            return List.of();
        }
        StoredFields stored = searcher.storedFields();
        List<Indexed> out = new ArrayList<>(n);
        for (ScoreDoc hit : searcher.search(query, n).scoreDocs) {
            Chunk chunk = ChunkSchema.toChunk(stored.document(hit.doc));
            out.add(new Indexed(chunk, withVectors ? storedVector(searcher.getIndexReader(), hit.doc) : null));
        }
        out.sort(Comparator.comparingInt(c -> c.chunk.ordinal()));
        return out;
    }

    private static float[] storedVector(IndexReader reader, int doc) throws IOException {
        List<LeafReaderContext> leaves = reader.leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(ChunkSchema.VECTOR);
        if (values == null) {
            return null;
        }
        int target = doc - leaf.docBase;
        if (values.advance(target) != target) {
            return null;
        }
        float[] v = values.vectorValue();
        return Arrays.copyOf(v, v.length);
    }
}
