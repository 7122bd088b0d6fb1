package ai.hybridchat.tuning.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The prompts an RL method answers and learns from: any JSONL whose lines have a non-empty
 * {@code "prompt"} (prompt/completion or preference data serve as they are; other keys are ignored).
 */
public final class PromptDataset {
    private PromptDataset() {
    }

    public static List<String> read(Path file) throws IOException {
        return JsonLines.read(file, PromptDataset::parse, "prompts");
    }

    static String parse(JsonNode node) {
        if (!node.isObject() || !node.path("prompt").isTextual() || node.get("prompt").asText().isBlank()) {
            throw new IllegalArgumentException("\"prompt\" must be a non-empty string");
        }
        return node.get("prompt").asText();
    }
}
