package ai.hybridchat.server.http;

import ai.hybridchat.core.model.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/feedback}: a rating of one answer ({@code question, mode, answer, rating: up|down})
 * or the pick of the best of compared answers ({@code question, answers: {mode: text}, best: mode}).
 * Every call appends one line to {@code feedback.jsonl}; a pick also appends a
 * {@code {"prompt","chosen","rejected"}} line per other answer to {@code preferences.jsonl}, the
 * preference-data format DPO and reward-model tuning read (DESIGN.md).
 */
final class FeedbackHandler {
    private final Path feedbackFile;
    private final Path preferencesFile;

    FeedbackHandler(Path dataDir) {
        this.feedbackFile = dataDir.resolve("feedback.jsonl");
        this.preferencesFile = dataDir.resolve("preferences.jsonl");
    }

    void feedback(Context ctx) throws IOException {
        JsonNode body = ChatRequestBody.parseObject(ctx);
        String question = text(body, "question");
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("question", question);
        int preferences = 0;
        StringBuilder pairs = new StringBuilder();
        if (body.has("best")) {
            JsonNode answers = body.path("answers");
            String best = text(body, "best");
            if (!answers.isObject() || answers.size() < 2 || !answers.path(best).isTextual()) {
                throw ApiException.badRequest("'answers' must map at least two modes to their answer text, and 'best' name one of them");
            }
            Map<String, String> byMode = new LinkedHashMap<>();
            answers.fields().forEachRemaining(e -> byMode.put(e.getKey(), e.getValue().asText()));
            line.put("answers", byMode);
            line.put("best", best);
            for (Map.Entry<String, String> other : byMode.entrySet()) {
                if (!other.getKey().equals(best) && !other.getValue().equals(byMode.get(best))) {
                    pairs.append(Json.MAPPER.writeValueAsString(Map.of("prompt", question, "chosen", byMode.get(best),
                            "rejected", other.getValue()))).append('\n');
                    preferences++;
                }
            }
        } else {
            String rating = text(body, "rating");
            if (!rating.equals("up") && !rating.equals("down")) {
                throw ApiException.badRequest("'rating' must be up or down, got '" + rating + "'");
            }
            line.put("mode", body.path("mode").asText(null));
            line.put("answer", text(body, "answer"));
            line.put("rating", rating);
        }
        synchronized (this) {
            Files.createDirectories(feedbackFile.getParent());
            append(feedbackFile, Json.MAPPER.writeValueAsString(line) + "\n");
            if (preferences > 0) {
                append(preferencesFile, pairs.toString());
            }
        }
        ctx.status(201).json(Map.of("stored", true, "preferencePairs", preferences));
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.path(field);
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.badRequest("'" + field + "' must be a non-empty string");
        }
        if (node.asText().length() > 20_000) {
            throw ApiException.badRequest("'" + field + "' is longer than 20,000 characters");
        }
        return node.asText();
    }
}
