package ai.hybridchat.tuning.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads preference data, the JSONL of DESIGN.md and of the chat server's {@code preferences.jsonl}:
 * {@code {"prompt","chosen","rejected"}}, three non-empty strings, chosen unlike rejected. Every
 * malformed line is reported with its number before anything trains.
 */
public final class PreferenceDataset {
    /** One judgement: for {@code prompt}, {@code chosen} was preferred to {@code rejected}. */
    public record Pair(String prompt, String chosen, String rejected) {
    }

    private PreferenceDataset() {
    }

    public static List<Pair> read(Path file) throws IOException {
        return JsonLines.read(file, PreferenceDataset::parse, "preference pairs");
    }

    static Pair parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        for (String key : List.of("prompt", "chosen", "rejected")) {
            if (!node.path(key).isTextual() || node.get(key).asText().isBlank()) {
                throw new IllegalArgumentException("\"" + key + "\" must be a non-empty string (preference data is "
                        + "{\"prompt\",\"chosen\",\"rejected\"})");
            }
        }
        if (node.get("chosen").asText().equals(node.get("rejected").asText())) {
            throw new IllegalArgumentException("\"chosen\" and \"rejected\" are the same text");
        }
        return new Pair(node.get("prompt").asText(), node.get("chosen").asText(), node.get("rejected").asText());
    }
}
