package ai.hybridchat.retrieval;

/** A document as the index knows it, for listings. */
public record IndexedDocument(String docId, String title, String source, int chunks) {
}
