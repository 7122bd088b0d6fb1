package ai.hybridchat.tuning.data;

import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    /** The pairs of a file that strangers wrote to: the good lines, and what was wrong with the others. */
    public record Screened(List<Pair> pairs, List<String> problems) {
        /** "N malformed line(s) skipped: the first few", or empty when every line was good. */
        public String summary() {
            if (problems.isEmpty()) {
                return "";
            }
            return problems.size() + " malformed line(s) skipped: " + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                    + (problems.size() > 3 ? "; ..." : "");
        }
    }

    /** Reads every good pair and reports, rather than fails on, the bad lines (the feedback store's data). */
    public static Screened readSkippingMalformed(Path file) throws IOException {
        JsonLines.Read<Pair> read = JsonLines.readSkippingMalformed(file, PreferenceDataset::parse);
        return new Screened(read.records(), read.problems());
    }

    /** Writes pairs as preference JSONL, one per line. */
    public static void write(Path file, List<Pair> pairs) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Pair p : pairs) {
            out.append(Json.MAPPER.writeValueAsString(
                    Map.of("prompt", p.prompt(), "chosen", p.chosen(), "rejected", p.rejected()))).append('\n');
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
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
