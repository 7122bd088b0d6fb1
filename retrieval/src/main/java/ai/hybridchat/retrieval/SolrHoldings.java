package ai.hybridchat.retrieval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.params.CursorMarkParams;

/**
 * What one Solr collection holds of the documents being written, read a window of documents per
 * request: planning asks document by document, and one HTTP round trip each made planning the
 * slow half of indexing 100k chunks. {@link #prefetch} reads the chunks of a window of ids at once
 * (paged by cursor, so a window's chunk count is unbounded); {@link #of} answers from it, or with
 * its own query for an id outside the window.
 */
final class SolrHoldings implements ChunkPlanner.Holdings {
    /** Ids per request: below Solr's default limit of 1024 boolean clauses. */
    static final int WINDOW = 500;
    private static final int PAGE = 2_000;

    private final SolrClient client;
    private final String collection;
    private final boolean vectorsStored;
    private final Map<String, List<ChunkPlanner.Indexed>> window = new HashMap<>();
    private boolean windowWithVectors;

    /** @param vectorsStored whether the collection's chunks carry vectors (false: never asked for) */
    SolrHoldings(SolrClient client, String collection, boolean vectorsStored) {
        this.client = client;
        this.collection = collection;
        this.vectorsStored = vectorsStored;
    }

    @Override
    public void prefetch(List<String> docIds, boolean withVectors) throws IOException {
        window.clear();
        windowWithVectors = withVectors && vectorsStored;
        for (int from = 0; from < docIds.size(); from += WINDOW) {
            List<String> part = docIds.subList(from, Math.min(docIds.size(), from + WINDOW));
            part.forEach(id -> window.put(id, new ArrayList<>()));
            read(SolrChunkSchema.anyOf(ChunkSchema.DOC_ID, part), windowWithVectors, d -> window.get((String) d.getFirstValue(ChunkSchema.DOC_ID)));
        }
        window.values().forEach(SolrHoldings::inOrder);
    }

    @Override
    public List<ChunkPlanner.Indexed> of(String docId, boolean withVectors) throws IOException {
        List<ChunkPlanner.Indexed> held = window.remove(docId);
        if (held != null && (windowWithVectors || !withVectors || !vectorsStored)) {
            return held;
        }
        List<ChunkPlanner.Indexed> out = new ArrayList<>();
        read(SolrChunkSchema.anyOf(ChunkSchema.DOC_ID, List.of(docId)), withVectors && vectorsStored, d -> out);
        return inOrder(out);
    }

    private interface Target {
        List<ChunkPlanner.Indexed> of(SolrDocument d);
    }

    private void read(String query, boolean withVectors, Target target) throws IOException {
        SolrQuery q = new SolrQuery(query);
        q.setRows(PAGE);
        q.setFields(withVectors ? "*," + ChunkSchema.VECTOR : "*");
        q.setSort(ChunkSchema.ID, SolrQuery.ORDER.asc);
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        try {
            while (true) {
                q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
                QueryResponse r = client.query(collection, q);
                for (SolrDocument d : r.getResults()) {
                    List<ChunkPlanner.Indexed> into = target.of(d);
                    if (into != null) {
                        into.add(new ChunkPlanner.Indexed(SolrChunkSchema.toChunk(d), withVectors ? SolrChunkSchema.vector(d) : null));
                    }
                }
                if (cursor.equals(r.getNextCursorMark())) {
                    return;
                }
                cursor = r.getNextCursorMark();
            }
        } catch (SolrServerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static List<ChunkPlanner.Indexed> inOrder(List<ChunkPlanner.Indexed> chunks) {
        chunks.sort(Comparator.comparingInt(c -> c.chunk().ordinal()));
        return chunks;
    }
}
