package ai.hybridchat.server.chat;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.EnglishTerms;
import ai.hybridchat.retrieval.IndexedDocument;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The content words of the indexed documents' titles (the subjects a question can name), read
 * again when the index's document count changes or after {@value #REFRESH_MS} ms, so a live
 * reindex is seen without reading every title for every tuned answer.
 */
public final class DocumentSubjects implements Supplier<Set<String>> {
    static final long REFRESH_MS = 10_000;

    private final ChunkIndex index;
    private final EnglishTerms terms = new EnglishTerms();
    private Set<String> subjects = Set.of();
    private int documents = -1;
    private long readAt;

    public DocumentSubjects(ChunkIndex index) {
        this.index = index;
    }

    @Override
    public synchronized Set<String> get() {
        long now = System.currentTimeMillis();
        int count = index.documentCount();
        if (count != documents || now - readAt > REFRESH_MS) {
            Set<String> out = new HashSet<>();
            for (IndexedDocument d : index.documents()) {
                if (d.title() != null && !d.title().equals(d.docId())) {
                    out.addAll(terms.of(d.title()));
                }
            }
            subjects = Set.copyOf(out);
            documents = count;
            readAt = now;
        }
        return subjects;
    }
}
