package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.lucene.queryparser.classic.QueryParserBase;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;

/** A {@link Chunk} as a Solr document of the chunk configset ({@link SolrConfigset}): the fields of {@link ChunkSchema}. */
final class SolrChunkSchema {
    /** The stored fields a search returns, with the score. */
    static final String FIELDS = String.join(",", ChunkSchema.ID, ChunkSchema.DOC_ID, ChunkSchema.TITLE, ChunkSchema.SOURCE,
            ChunkSchema.ORDINAL, ChunkSchema.HASH, ChunkSchema.TEXT, ChunkSchema.META + "*", "score");

    private SolrChunkSchema() {
    }

    static SolrInputDocument toSolr(Chunk chunk, int chunkCount, float[] vector) {
        SolrInputDocument doc = new SolrInputDocument();
        doc.addField(ChunkSchema.ID, chunk.id());
        doc.addField(ChunkSchema.DOC_ID, chunk.docId());
        doc.addField(ChunkSchema.TITLE, chunk.title() == null ? chunk.docId() : chunk.title());
        doc.addField(ChunkSchema.SOURCE, chunk.source() == null ? "" : chunk.source());
        doc.addField(ChunkSchema.ORDINAL, chunk.ordinal());
        doc.addField(ChunkSchema.HASH, chunk.contentHash() == null ? ContentHash.sha256(chunk.text()) : chunk.contentHash());
        doc.addField(ChunkSchema.CHUNK_COUNT, chunkCount);
        doc.addField(ChunkSchema.TEXT, chunk.text());
        String context = ChunkContext.missingTitle(chunk);
        if (!context.isEmpty()) {
            doc.addField(ChunkSchema.CONTEXT, context);
        }
        for (Map.Entry<String, String> m : chunk.metadata().entrySet()) {
            doc.addField(ChunkSchema.META + m.getKey(), m.getValue());
        }
        if (vector != null) {
            List<Float> values = new ArrayList<>(vector.length);
            for (float v : vector) {
                values.add(v);
            }
            doc.addField(ChunkSchema.VECTOR, values);
        }
        return doc;
    }

    static Chunk toChunk(SolrDocument d) {
        Map<String, String> metadata = new TreeMap<>();
        for (String field : d.getFieldNames()) {
            if (field.startsWith(ChunkSchema.META)) {
                metadata.put(field.substring(ChunkSchema.META.length()), String.valueOf(d.getFirstValue(field)));
            }
        }
        return new Chunk(text(d, ChunkSchema.ID), text(d, ChunkSchema.DOC_ID), text(d, ChunkSchema.TITLE), text(d, ChunkSchema.SOURCE),
                ((Number) d.getFirstValue(ChunkSchema.ORDINAL)).intValue(), text(d, ChunkSchema.TEXT), text(d, ChunkSchema.HASH), metadata);
    }

    /** The stored vector, or null when the document has none. */
    static float[] vector(SolrDocument d) {
        Collection<Object> values = d.getFieldValues(ChunkSchema.VECTOR);
        if (values == null || values.isEmpty()) {
            return null;
        }
        float[] out = new float[values.size()];
        int i = 0;
        for (Object v : values) {
            out[i++] = ((Number) v).floatValue();
        }
        return out;
    }

    /** A query matching any of {@code values} exactly in a string field. */
    static String anyOf(String field, List<String> values) {
        return QueryParserBase.escape(field) + ":(" + values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(" OR ")) + ")";
    }

    private static String text(SolrDocument d, String field) {
        Object v = d.getFirstValue(field);
        return v == null ? null : v.toString();
    }
}
