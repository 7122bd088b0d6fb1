package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;

/**
 * Writes documents into a Lucene index: plans each against what an index already holds
 * ({@link ChunkPlanner}), embeds the chunk vectors it lacks in batches across documents, and
 * replaces each document's chunks in one {@link IndexWriter#updateDocuments} call. The one write
 * loop of both an update and a rebuild.
 */
final class ChunkWriter {
    /** Documents whose holdings are asked for at once ({@link ChunkPlanner.Holdings#prefetch}). */
    static final int PREFETCH = 500;
    private final ChunkPlanner planner;
    private final BatchEmbedder embedder;

    ChunkWriter(ChunkPlanner planner, BatchEmbedder embedder) {
        this.planner = planner;
        this.embedder = embedder;
    }

    /**
     * Plans each document against what {@code planFrom} holds (null: nothing, so every vector is
     * embedded anew) and writes the plans into
     * {@code target}. With {@code skipUnchanged} (an update) a document whose chunks are all
     * indexed already is left as it is; without (a rebuild into an empty target) it is written
     * too. One update per distinct id, in order; when two documents share an id the last one wins.
     */
    List<IndexUpdate> writeAll(IndexWriter target, IndexSearcher planFrom, Collection<Document> documents,
                               boolean skipUnchanged, IndexProgress progress) throws IOException {
        ChunkPlanner.Holdings holdings = planFrom == null ? ChunkPlanner.Holdings.NONE
                : (id, withVectors) -> planner.indexedChunks(planFrom, id, withVectors);
        return writeAll((docId, chunks, vectors) -> {
            List<org.apache.lucene.document.Document> docs = new ArrayList<>(chunks.size());
            for (int i = 0; i < chunks.size(); i++) {
                docs.add(ChunkSchema.toLucene(chunks.get(i), chunks.size(), vectors[i]));
            }
            target.updateDocuments(new Term(ChunkSchema.DOC_ID, docId), docs);
        }, holdings, documents, skipUnchanged, progress);
    }

    /** Where a document's chunks go: replaces whatever the engine held under {@code docId}. */
    interface Sink {
        void replace(String docId, List<Chunk> chunks, float[][] vectors) throws IOException;
    }

    /** As above, for any engine: planned against {@code holdings}, written to {@code target}. */
    List<IndexUpdate> writeAll(Sink target, ChunkPlanner.Holdings holdings, Collection<Document> documents,
                               boolean skipUnchanged, IndexProgress progress) throws IOException {
        Map<String, Document> byId = new LinkedHashMap<>();
        documents.forEach(d -> byId.put(d.id(), d));
        Map<String, IndexUpdate> results = new LinkedHashMap<>();
        byId.keySet().forEach(id -> results.put(id, null));
        List<ChunkPlanner.Plan> pending = new ArrayList<>();
        int pendingTexts = 0;
        int done = 0;
        List<Document> ordered = new ArrayList<>(byId.values());
        for (int at = 0; at < ordered.size(); at++) {
            if (at % PREFETCH == 0) {
                planner.prefetch(holdings, ordered.subList(at, Math.min(ordered.size(), at + PREFETCH)).stream().map(Document::id).toList());
            }
            Document document = ordered.get(at);
            ChunkPlanner.Plan plan = planner.plan(holdings, document);
            if (skipUnchanged && plan.unchanged) {
                results.put(document.id(), new IndexUpdate(document.id(), IndexUpdate.Outcome.UNCHANGED, plan.chunks.size(), 0));
                progress.indexed(++done, byId.size());
                continue;
            }
            pending.add(plan);
            pendingTexts += plan.missing.size();
            if (pendingTexts >= BatchEmbedder.DEFAULT_BATCH_SIZE) {
                done = write(target, pending, results, done, byId.size(), progress);
                pending.clear();
                pendingTexts = 0;
            }
        }
        write(target, pending, results, done, byId.size(), progress);
        return List.copyOf(results.values());
    }

    private int write(Sink target, List<ChunkPlanner.Plan> plans, Map<String, IndexUpdate> results, int done, int total,
                      IndexProgress progress) throws IOException {
        if (plans.isEmpty()) {
            return done;
        }
        if (embedder != null) {
            List<String> texts = new ArrayList<>();
            plans.forEach(p -> p.missing.forEach(i -> texts.add(ChunkContext.embeddedText(p.chunks.get(i)))));
            List<float[]> vectors = embedder.embedAll(texts);
            int next = 0;
            for (ChunkPlanner.Plan p : plans) {
                for (int i : p.missing) {
                    p.vectors[i] = vectors.get(next++);
                }
            }
        }
        for (ChunkPlanner.Plan p : plans) {
            target.replace(p.document.id(), p.chunks, p.vectors);
            IndexUpdate.Outcome outcome = p.unchanged ? IndexUpdate.Outcome.UNCHANGED
                    : p.existed ? IndexUpdate.Outcome.UPDATED : IndexUpdate.Outcome.ADDED;
            results.put(p.document.id(), new IndexUpdate(p.document.id(), outcome, p.chunks.size(), p.missing.size()));
            progress.indexed(++done, total);
        }
        return done;
    }
}
