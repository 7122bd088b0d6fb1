package ai.hybridchat.core;

import java.util.Objects;

/**
 * A retrievable piece of a {@link Document}. The id is stable ({@code docId#ordinal}) and the
 * content hash lets reindexing skip chunks whose text did not change.
 */
public record Chunk(String id, String docId, String title, String source, int ordinal, String text, String contentHash) {
    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(text, "text");
    }
}
