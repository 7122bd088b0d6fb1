package ai.hybridchat.server.http;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Mode;
import ai.hybridchat.core.Usage;
import ai.hybridchat.core.model.ContextLengthExceededException;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.SseStream;
import ai.hybridchat.server.chat.ChatService;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * {@code chat.completion.chunk} events ending in {@code data: [DONE]}; its parameters are checked
 * by {@link OpenAiChatRequest}, its {@code usage} counts the model's real tokens, and its errors
 * are OpenAI's error object ({@link OpenAiError}), mid-stream ones as a {@code data:} event.
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

    /** {@code GET /v1/models/{id}}: one model, or OpenAI's 404. */
    public void model(Context ctx) {
        String id = ctx.pathParam("id");
        if (!ids().contains(id)) {
            throw notFound(id);
        }
        ctx.json(Map.of("id", id, "object", "model", "created", created, "owned_by", OWNER));
    }

    private ApiException notFound(String id) {
        return new ApiException(404, "model_not_found", "The model '" + id + "' does not exist; models: " + ids(), "model");
    }

    /** One answer, however it was produced: its text, its cost and, for the answer modes, its citations. */
    private record Reply(String text, Usage usage, List<ChatReply.CitationView> citations, int historyDropped) {
        static Reply of(Answer a) {
            return new Reply(a.answer(), a.usage(), ChatReply.of(a, null).citations(), a.historyDropped());
        }
    }

    private interface Answering {
        Reply answer(Consumer<String> onText);
    }

    public void completions(Context ctx) {
        OpenAiChatRequest request = OpenAiChatRequest.parse(ctx.body());
        Answering answering = resolve(request);
        String id = "chatcmpl-" + UUID.randomUUID();
        long now = System.currentTimeMillis() / 1000;
        if (!request.stream()) {
            Reply result = answering.answer(piece -> { });
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", result.text());
            message.put("refusal", null);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("message", message);
            choice.put("logprobs", null);
            choice.put("finish_reason", finishReason(result));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("object", "chat.completion");
            body.put("created", now);
            body.put("model", request.model());
            body.put("choices", List.of(choice));
            body.put("usage", usage(result.usage()));
            putCitations(body, result);
            ctx.json(body);
            return;
        }
        // the stream opens with the first piece of text: input the model refuses (a prompt over the
        // context, a template that raises) is found before that and answered as a plain 400
        Map<String, Object> opening = chunk(id, now, request, Map.of("role", "assistant", "content", ""), null);
        SseStream.Lazy lazy = new SseStream.Lazy(ctx, s -> s.sendData(opening));
        Consumer<Object> send = data -> lazy.stream().sendData(data);
        try {
            Reply result = answering.answer(piece -> send.accept(chunk(id, now, request, Map.of("content", piece), null)));
            Map<String, Object> last = chunk(id, now, request, Map.of(), finishReason(result));
            putCitations(last, result);
            send.accept(last);
            if (request.includeUsage()) {
                // OpenAI's usage chunk: no choices, the whole request's usage
                Map<String, Object> usage = chunk(id, now, request, null, null);
                usage.put("choices", List.of());
                usage.put("usage", usage(result.usage()));
                lazy.stream().sendData(usage);
            }
            lazy.stream().sendDone();
        } catch (SseStream.ClientGone e) {
            LOG.debug("client left during generation: {}", e.getMessage());
        } catch (RuntimeException e) {
            if (!lazy.opened()) {
                throw e; // nothing sent yet: the error handlers answer with a status and OpenAI's error object
            }
            boolean clientsFault = e instanceof IllegalArgumentException;
            if (!clientsFault) {
                LOG.error("streaming completion failed", e);
            }
            try {
                lazy.stream().sendData(clientsFault
                        ? OpenAiError.body(400, e instanceof ContextLengthExceededException
                                ? "context_length_exceeded" : "invalid_request", e.getMessage(), null)
                        : OpenAiError.body(500, "internal_error", "generation failed: " + e.getClass().getSimpleName(), null));
                lazy.stream().sendDone();
            } catch (SseStream.ClientGone ignored) {
                // nobody left to tell
            }
        }
    }

    private static String finishReason(Reply result) {
        return result.usage().truncated() ? "length" : "stop";
    }

    private static Map<String, Object> usage(Usage u) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", u.promptTokens());
        usage.put("completion_tokens", u.completionTokens());
        usage.put("total_tokens", u.totalTokens());
        return usage;
    }

    /**
     * Checks the model and the conversation before any byte of a stream is sent, so errors are
     * plain JSON with a status. A bare model continues the conversation as it is (a final
     * assistant message is continued: prefill); an answer mode answers the last message, which must
     * be the user's, reading the earlier turns and the system message as {@code /api/chat} does.
     */
    private Answering resolve(OpenAiChatRequest request) {
        if (chat.modelIds().contains(request.model())) {
            return onText -> {
                ChatService.Completion c = chat.complete(request.model(), request.messages(), request.parameters(), onText);
                return new Reply(c.text().strip(), c.usage(), null, 0);
            };
        }
        Mode mode;
        try {
            mode = Mode.parse(request.model());
        } catch (IllegalArgumentException e) {
            throw notFound(request.model());
        }
        chat.requireAvailable(mode);
        if (!(request.last() instanceof UserMessage user)) {
            throw ApiException.badParameter("messages", "the answer modes (rag, tuned, hybrid) answer the last message, which "
                    + "must be the user's; a bare model (" + String.join(", ", chat.modelIds()) + ") continues any conversation");
        }
        if (user.singleText().isBlank()) {
            throw ApiException.badParameter("messages", "the last user message is empty: there is no question to answer");
        }
        List<ChatMessage> history = request.messages().subList(0, request.messages().size() - 1);
        return onText -> Reply.of(chat.stream(history, user.singleText(), mode, request.parameters(), onText));
    }

    /** The answer modes' extras, in fields OpenAI clients ignore: citations, and earlier messages not read. */
    private static void putCitations(Map<String, Object> body, Reply result) {
        if (result.citations() != null) {
            body.put("citations", result.citations());
        }
        if (result.historyDropped() > 0) {
            body.put("history_dropped", result.historyDropped());
        }
    }

    private static Map<String, Object> chunk(String id, long created, OpenAiChatRequest request, Map<String, Object> delta,
                                             String finish) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finish);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "chat.completion.chunk");
        body.put("created", created);
        body.put("model", request.model());
        body.put("choices", List.of(choice));
        if (request.includeUsage()) {
            // with include_usage every chunk carries "usage": null but the last
            body.put("usage", null);
        }
        return body;
    }
}
