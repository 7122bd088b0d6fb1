package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A LangChain4j {@link ContentRetriever} over any platform {@link Retriever}, so a
 * {@code RetrievalAugmentor} or {@code AiServices} can use the Lucene index.
 *
 * <p>Each {@link Content} is the chunk text as a {@link TextSegment} whose metadata carries
 * {@value #DOC_ID}, {@value #CHUNK_ID}, {@value #TITLE}, {@value #SCORE} (a double), and also
 * {@value #SOURCE}, {@value #ORDINAL} and {@value #SNIPPET}; the score is also the content's
 * {@link ContentMetadata#SCORE}. A blank query retrieves nothing (a chat turn should not fail on
 * an empty message); passages scoring below {@code minScore} are dropped.
 */
public final class PassageContentRetriever implements ContentRetriever {
    public static final String DOC_ID = "doc_id";
    public static final String CHUNK_ID = "chunk_id";
    public static final String TITLE = "title";
    public static final String SCORE = "score";
    public static final String SOURCE = "source";
    public static final String ORDINAL = "ordinal";
    public static final String SNIPPET = "snippet";

    private final Retriever retriever;
    private final int maxResults;
    private final double minScore;

    public PassageContentRetriever(Retriever retriever, int maxResults) {
        this(retriever, maxResults, Double.NEGATIVE_INFINITY);
    }

    public PassageContentRetriever(Retriever retriever, int maxResults, double minScore) {
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        if (maxResults < 1) {
            throw new IllegalArgumentException("maxResults must be at least 1: " + maxResults);
        }
        this.maxResults = maxResults;
        this.minScore = minScore;
    }

    @Override
    public List<Content> retrieve(Query query) {
        if (query == null || query.text() == null || query.text().isBlank()) {
            return List.of();
        }
        return retriever.retrieve(query.text(), maxResults).stream()
                .filter(p -> p.score() >= minScore)
                .map(PassageContentRetriever::toContent)
                .toList();
    }

    static Content toContent(RetrievedPassage passage) {
        Chunk chunk = passage.chunk();
        Map<String, Object> meta = new HashMap<>();
        meta.put(DOC_ID, chunk.docId());
        meta.put(CHUNK_ID, chunk.id());
        meta.put(TITLE, chunk.title() == null ? chunk.docId() : chunk.title());
        meta.put(SCORE, passage.score());
        meta.put(SOURCE, chunk.source() == null ? "" : chunk.source());
        meta.put(ORDINAL, chunk.ordinal());
        if (passage.snippet() != null) {
            meta.put(SNIPPET, passage.snippet());
        }
        TextSegment segment = TextSegment.from(chunk.text(), Metadata.from(meta));
        return Content.from(segment, Map.of(ContentMetadata.SCORE, passage.score()));
    }
}
