package ai.hybridchat.retrieval;

import ai.hybridchat.core.Document;

import java.util.List;

/** What {@link FileDocumentLoader} read: the documents, and the files it skipped with the reason. */
public record LoadedDocuments(List<Document> documents, List<SkippedFile> skipped) {
    public LoadedDocuments {
        documents = List.copyOf(documents);
        skipped = List.copyOf(skipped);
    }
}
