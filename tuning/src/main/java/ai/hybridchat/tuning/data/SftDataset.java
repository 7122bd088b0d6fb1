package ai.hybridchat.tuning.data;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.prompt.RagPrompt;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads supervised fine-tuning data in the JSONL shapes of DESIGN.md:
 * {@code {"messages":[{"role","content"},...]}} (the last assistant turn is learned),
 * {@code {"prompt","completion"}} and {@code {"text"}}; also {@code {"question","answer"}}, the
 * shape of the platform's evaluation sets, read as prompt and completion. Every malformed line is
 * reported with its number before anything trains.
 */
public final class SftDataset {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private SftDataset() {
    }

    public static List<SftExample> read(Path file) throws IOException {
        return JsonLines.read(file, SftDataset::parse, "examples");
    }

    static SftExample parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        if (node.has("messages")) {
            JsonNode messages = node.get("messages");
            if (!messages.isArray() || messages.isEmpty()) {
                throw new IllegalArgumentException("\"messages\" must be a non-empty array");
            }
            List<ChatTemplate.Message> turns = new ArrayList<>();
            for (JsonNode m : messages) {
                String role = m.path("role").asText("");
                if (!ROLES.contains(role)) {
                    throw new IllegalArgumentException("message role must be system, user or assistant, got '" + role + "'");
                }
                if (!m.path("content").isTextual()) {
                    throw new IllegalArgumentException("message content must be a string");
                }
                turns.add(new ChatTemplate.Message(role, m.get("content").asText()));
            }
            ChatTemplate.Message last = turns.get(turns.size() - 1);
            if (!last.role().equals("assistant")) {
                throw new IllegalArgumentException("the last message must be the assistant's reply to learn");
            }
            if (turns.size() < 2) {
                throw new IllegalArgumentException("a conversation needs a prompt before the assistant's reply");
            }
            return SftExample.chat(turns.subList(0, turns.size() - 1), last.content());
        }
        if (node.has("prompt") || node.has("completion")) {
            if (!node.path("prompt").isTextual() || !node.path("completion").isTextual()) {
                throw new IllegalArgumentException("\"prompt\" and \"completion\" must both be strings");
            }
            return SftExample.chat(List.of(new ChatTemplate.Message("user", node.get("prompt").asText())),
                    node.get("completion").asText());
        }
        if (node.has("question") || node.has("answer")) {
            if (!node.path("question").isTextual() || !node.path("answer").isTextual()
                    || node.get("question").asText().isBlank() || node.get("answer").asText().isBlank()) {
                throw new IllegalArgumentException("\"question\" and \"answer\" must both be non-empty strings");
            }
            return SftExample.chat(List.of(new ChatTemplate.Message("user",
                            RagPrompt.userMessage(node.get("question").asText(), List.of()))),
                    node.get("answer").asText());
        }
        if (node.has("text")) {
            if (!node.path("text").isTextual() || node.get("text").asText().isBlank()) {
                throw new IllegalArgumentException("\"text\" must be a non-empty string");
            }
            return SftExample.plain(node.get("text").asText());
        }
        throw new IllegalArgumentException("expected \"messages\", \"prompt\"/\"completion\", \"question\"/\"answer\" or \"text\"");
    }
}
