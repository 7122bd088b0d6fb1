package ai.hybridchat.core;

import java.util.Map;
import java.util.Objects;

/** A source document as ingested: its stable id, a title, where it came from, and its text. */
public record Document(String id, String title, String source, String text, Map<String, String> metadata) {
    public Document {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        title = title == null ? id : title;
        source = source == null ? "" : source;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
