package ai.hybridchat.core;

import java.util.Map;
import java.util.Objects;

/**
 * A retrievable piece of a {@link Document}. The id is stable ({@code docId#ordinal}) and the
 * content hash lets reindexing skip chunks whose text did not change. The metadata is the
 * document's (format, path, and whatever ingestion recorded), searchable as filters.
 */
public record Chunk(String id, String docId, String title, String source, int ordinal, String text, String contentHash,
                    Map<String, String> metadata) {
    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(text, "text");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A chunk without metadata. */
    public Chunk(String id, String docId, String title, String source, int ordinal, String text, String contentHash) {
        this(id, docId, title, source, ordinal, text, contentHash, Map.of());
    }
}
