package ai.hybridchat.server.http;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Mode;
import ai.hybridchat.server.chat.ChatService;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The OpenAI-compatible surface, so existing clients and SDKs talk to the platform unchanged.
 * {@code GET /v1/models} lists two kinds of model:
 * <ul>
 *   <li>the answer modes {@code rag}, {@code tuned}, {@code hybrid}: the last user message is
 *       answered as {@code /api/chat} would, and the citations travel in an extra
 *       {@code citations} field that OpenAI clients ignore;</li>
 *   <li>the bare models ({@link ChatService#modelIds()}): the whole conversation goes through the
 *       chat template as it is, as a model server like vLLM does, so another instance of the
 *       platform (or any OpenAI client) can use this one as its remote model.</li>
 * </ul>
 * {@code POST /v1/chat/completions} answers in one piece, or with {@code "stream": true} as
 * {@code chat.completion.chunk} events ending in {@code data: [DONE]}.
 */
public final class OpenAiHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiHandlers.class);
    private static final String OWNER = "hybridchat";

    private final ChatService chat;
    private final long created = System.currentTimeMillis() / 1000;

    public OpenAiHandlers(ChatService chat) {
        this.chat = chat;
    }

    public void models(Context ctx) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (String id : ids()) {
            data.add(Map.of("id", id, "object", "model", "created", created, "owned_by", OWNER));
        }
        ctx.json(Map.of("object", "list", "data", data));
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>(chat.availableModes().stream().map(Mode::wireName).toList());
        ids.addAll(chat.modelIds());
        return ids;
    }

    /** A parsed completion request. */
    record CompletionRequest(String model, List<ChatMessage> messages, boolean stream) {
        static CompletionRequest parse(String body) {
            JsonNode json;
            try {
                json = body == null || body.isBlank() ? null : ServerJson.MAPPER.readTree(body);
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
            }
            if (json == null || !json.isObject()) {
                throw ApiException.badRequest("the request body must be a JSON object with 'model' and 'messages'");
            }
            JsonNode model = json.get("model");
            String id = model == null || model.isNull() ? ChatRequestBody.DEFAULT_MODE.wireName() : model.asText();
            JsonNode messages = json.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                throw ApiException.badRequest("'messages' must be a non-empty array");
            }
            List<ChatMessage> out = new ArrayList<>();
            for (JsonNode m : messages) {
                String content = text(m.get("content"));
                TextFields.requireWellFormed(content, "a message's 'content'");
                out.add(switch (m.path("role").asText()) {
                    case "system", "developer" -> SystemMessage.from(content);
                    case "user" -> UserMessage.from(content);
                    case "assistant" -> AiMessage.from(content);
                    default -> throw ApiException.badRequest("a message's 'role' must be system, user or assistant, got '"
                            + m.path("role").asText() + "'");
                });
            }
            if (!(out.get(out.size() - 1) instanceof UserMessage)) {
                throw ApiException.badRequest("the last message must be the user's");
            }
            return new CompletionRequest(id, out, json.path("stream").asBoolean(false));
        }

        /** A message's content: a string, or OpenAI's array of parts of which the text ones count. */
        private static String text(JsonNode content) {
            if (content != null && content.isTextual() && !content.asText().isBlank()) {
                return content.asText();
            }
            if (content != null && content.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : content) {
                    if ("text".equals(part.path("type").asText())) {
                        sb.append(sb.length() == 0 ? "" : "\n").append(part.path("text").asText());
                    }
                }
                if (!sb.toString().isBlank()) {
                    return sb.toString();
                }
            }
            throw ApiException.badRequest("every message needs a 'content': a non-empty string or an array of text parts");
        }
    }

    /** One answer, however it was produced: its text and, for the answer modes, its citations. */
    private record Reply(String text, List<ChatReply.CitationView> citations) {
        static Reply of(Answer a) {
            return new Reply(a.answer(), ChatReply.of(a, null).citations());
        }
    }

    private interface Answering {
        Reply answer(Consumer<String> onText);
    }

    public void completions(Context ctx) {
        CompletionRequest request = CompletionRequest.parse(ctx.body());
        Answering answering = resolve(request);
        String id = "chatcmpl-" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        if (!request.stream()) {
            Reply result = answering.answer(piece -> { });
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("object", "chat.completion");
            body.put("created", now);
            body.put("model", request.model());
            body.put("choices", List.of(Map.of("index", 0, "finish_reason", "stop",
                    "message", Map.of("role", "assistant", "content", result.text()))));
            putCitations(body, result);
            ctx.json(body);
            return;
        }
        SseStream events = SseStream.open(ctx);
        try {
            events.sendData(chunk(id, now, request.model(), Map.of("role", "assistant", "content", ""), null));
            Reply result = answering.answer(piece -> events.sendData(chunk(id, now, request.model(), Map.of("content", piece), null)));
            Map<String, Object> last = chunk(id, now, request.model(), Map.of(), "stop");
            putCitations(last, result);
            events.sendData(last);
            events.sendDone();
        } catch (SseStream.ClientGone e) {
            LOG.debug("client left during generation: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("streaming completion failed", e);
            try {
                events.sendData(Map.of("error", new ApiError("internal_error", "generation failed: " + e.getClass().getSimpleName())));
                events.sendDone();
            } catch (SseStream.ClientGone ignored) {
                // nobody left to tell
            }
        }
    }

    /** Checks the model before any byte of a stream is sent, so errors are plain JSON with a status. */
    private Answering resolve(CompletionRequest request) {
        if (chat.modelIds().contains(request.model())) {
            return onText -> new Reply(chat.complete(request.model(), request.messages(), onText), null);
        }
        Mode mode;
        try {
            mode = Mode.parse(request.model());
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "model_not_found", "no model '" + request.model() + "'; models: " + ids());
        }
        chat.requireAvailable(mode);
        String question = ((UserMessage) request.messages().get(request.messages().size() - 1)).singleText();
        return onText -> Reply.of(chat.stream(question, mode, onText));
    }

    private static void putCitations(Map<String, Object> body, Reply result) {
        if (result.citations() != null) {
            body.put("citations", result.citations());
        }
    }

    private static Map<String, Object> chunk(String id, long created, String model, Map<String, Object> delta, String finish) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finish);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "chat.completion.chunk");
        body.put("created", created);
        body.put("model", model);
        body.put("choices", List.of(choice));
        return body;
    }
}
