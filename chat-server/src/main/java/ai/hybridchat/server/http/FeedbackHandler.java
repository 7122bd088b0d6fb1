package ai.hybridchat.server.http;

import ai.hybridchat.core.Mode;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/feedback}: a rating of one answer ({@code question, mode, answer, rating: up|down})
 * or the pick of the best of compared answers ({@code question, answers: {mode: text}, best: mode}).
 * Every call appends one line to {@code feedback.jsonl}; a pick also appends a
 * {@code {"prompt","chosen","rejected"}} line per other answer to {@code preferences.jsonl}, the
 * preference-data format DPO and reward-model tuning read (DESIGN.md).
 *
 * <p>The endpoint needs no token, so its input is a stranger's: the shape is checked in full
 * before anything is written (strings, non-empty, well-formed, bounded; the answers of a pick are
 * those of the answer modes, so one request writes at most two pairs), and each file has a size
 * cap past which feedback is refused with a 507 rather than filling the disk.
 */
final class FeedbackHandler {
    /** The longest question or answer stored. */
    static final int MAX_TEXT_CHARS = 20_000;
    /** Each file's cap by default: 64 MiB. */
    static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final Path feedbackFile;
    private final Path preferencesFile;
    private final long maxFileBytes;

    FeedbackHandler(Path dataDir) {
        this(dataDir, DEFAULT_MAX_FILE_BYTES);
    }

    FeedbackHandler(Path dataDir, long maxFileBytes) {
        this.feedbackFile = dataDir.resolve("feedback.jsonl");
        this.preferencesFile = dataDir.resolve("preferences.jsonl");
        this.maxFileBytes = maxFileBytes;
    }

    void feedback(Context ctx) throws IOException {
        JsonNode body = JsonBodies.parseObject(ctx);
        String question = TextFields.required(body, "question", MAX_TEXT_CHARS);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("question", question);
        StringBuilder pairs = new StringBuilder();
        int preferences = 0;
        if (body.has("best")) {
            Map<String, String> byMode = answers(body.get("answers"));
            String best = TextFields.required(body, "best", 16);
            if (!byMode.containsKey(best)) {
                throw ApiException.badRequest("'best' must name one of the answers: " + byMode.keySet());
            }
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
            String rating = TextFields.required(body, "rating", 8);
            if (!rating.equals("up") && !rating.equals("down")) {
                throw ApiException.badRequest("'rating' must be up or down, got '" + rating + "'");
            }
            JsonNode mode = body.get("mode");
            line.put("mode", mode == null || mode.isNull() ? null : mode(TextFields.check(mode, "'mode'", 16)));
            line.put("answer", TextFields.required(body, "answer", MAX_TEXT_CHARS));
            line.put("rating", rating);
        }
        String feedbackLine = Json.MAPPER.writeValueAsString(line) + "\n";
        synchronized (this) {
            Files.createDirectories(feedbackFile.getParent());
            requireRoom(feedbackFile, feedbackLine);
            if (preferences > 0) {
                requireRoom(preferencesFile, pairs);
            }
            append(feedbackFile, feedbackLine);
            if (preferences > 0) {
                append(preferencesFile, pairs.toString());
            }
        }
        ctx.status(201).json(Map.of("stored", true, "preferencePairs", preferences));
    }

    /** The answers of a pick: two or three answer modes, each to a usable text. */
    private static Map<String, String> answers(JsonNode answers) {
        if (answers == null || !answers.isObject() || answers.size() < 2 || answers.size() > Mode.values().length) {
            throw ApiException.badRequest("'answers' must map two or three of the modes rag, tuned, hybrid to their answer text");
        }
        Map<String, String> byMode = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = answers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String mode = mode(e.getKey());
            byMode.put(mode, TextFields.check(e.getValue(), "the " + mode + " answer", MAX_TEXT_CHARS));
        }
        return byMode;
    }

    private static String mode(String value) {
        try {
            return Mode.parse(value).wireName();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void requireRoom(Path file, CharSequence text) throws IOException {
        long size = Files.exists(file) ? Files.size(file) : 0;
        long adding = text.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size + adding > maxFileBytes) {
            throw new ApiException(507, "insufficient_storage", file.getFileName() + " has reached its cap of "
                    + maxFileBytes + " bytes; an admin can train on it and archive it");
        }
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }
}
