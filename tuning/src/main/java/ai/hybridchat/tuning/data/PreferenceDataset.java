package ai.hybridchat.tuning.data;

import ai.hybridchat.core.model.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("dataset not found: " + file);
        }
        List<Pair> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                pairs.add(parse(Json.MAPPER.readTree(line)));
            } catch (IOException e) {
                problems.add("line " + (i + 1) + ": not JSON");
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new DatasetException(file, problems);
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(file + " has no preference pairs");
        }
        return pairs;
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
