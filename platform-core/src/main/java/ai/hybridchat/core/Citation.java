package ai.hybridchat.core;

/** A retrieved passage an answer relies on, as shown to the user: the snippet, and the whole passage to open. */
public record Citation(String docId, String chunkId, String title, String source, String snippet, double score, String text) {
}
