package ai.hybridchat.core;

import java.util.List;

/**
 * The seam between answering and searching: whatever keeps the documents returns the passages
 * most relevant to a question, best first. The retrieval module implements it over Lucene.
 */
public interface Retriever {
    List<RetrievedPassage> retrieve(String query, int k);
}
