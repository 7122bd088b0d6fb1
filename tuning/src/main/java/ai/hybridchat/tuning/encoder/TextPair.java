package ai.hybridchat.tuning.encoder;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.data.JsonLines;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A retrieval training example as sentence-transformers writes them: a query, the passage that
 * answers it, and optionally a passage that does not (a hard negative). JSON lines
 * {@code {"query": ..., "positive": ..., "negative": ...}}.
 */
public record TextPair(String query, String positive, String negative) {
    /** Longer texts are refused: the encoder reads a few hundred tokens at most. */
    public static final int MAX_CHARS = 20_000;

    public TextPair {
        if (query == null || query.isBlank() || positive == null || positive.isBlank()) {
            throw new IllegalArgumentException("a pair needs a non-empty query and positive");
        }
        if (negative != null && negative.isBlank()) {
            negative = null;
        }
    }

    public static boolean isPairData(Path file) throws IOException {
        JsonNode first = JsonLines.first(file);
        return first != null && first.has("query") && first.has("positive");
    }

    public static List<TextPair> read(Path file) throws IOException {
        return JsonLines.read(file, node -> new TextPair(text(node, "query", true), text(node, "positive", true),
                text(node, "negative", false)), "pairs");
    }

    /** The pairs as JSON lines, the format {@link #read} takes. */
    public static String toJsonLines(List<TextPair> pairs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (TextPair p : pairs) {
            var node = Json.MAPPER.createObjectNode().put("query", p.query()).put("positive", p.positive());
            if (p.negative() != null) {
                node.put("negative", p.negative());
            }
            sb.append(Json.MAPPER.writeValueAsString(node)).append('\n');
        }
        return sb.toString();
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing \"" + field + "\"");
            }
            return null;
        }
        if (!v.isTextual() || (required && v.asText().isBlank())) {
            throw new IllegalArgumentException("\"" + field + "\" must be a non-empty string");
        }
        if (v.asText().length() > MAX_CHARS) {
            throw new IllegalArgumentException("\"" + field + "\" is longer than " + MAX_CHARS + " characters");
        }
        return v.asText();
    }
}
