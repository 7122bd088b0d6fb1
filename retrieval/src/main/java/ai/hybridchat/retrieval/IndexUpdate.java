package ai.hybridchat.retrieval;

/**
 * What indexing one document did: {@code chunks} it has now, and how many of them had to be
 * embedded (the others reused the vector stored for the same text).
 */
public record IndexUpdate(String docId, Outcome outcome, int chunks, int embedded) {
    public enum Outcome {
        /** The document was not in the index. */
        ADDED,
        /** The document replaced an older version. */
        UPDATED,
        /** Same title, source and chunk texts as the indexed version: nothing was written. */
        UNCHANGED
    }
}
