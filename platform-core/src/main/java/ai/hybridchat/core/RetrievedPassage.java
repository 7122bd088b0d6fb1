package ai.hybridchat.core;

/** One search hit: the chunk, its fused score, and a highlighted snippet for the citation. */
public record RetrievedPassage(Chunk chunk, double score, String snippet) {
    public Citation toCitation() {
        return new Citation(chunk.docId(), chunk.id(), chunk.title(), chunk.source(), snippet, score, chunk.text());
    }
}
