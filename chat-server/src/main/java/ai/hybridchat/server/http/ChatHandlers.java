package ai.hybridchat.server.http;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Mode;
import ai.hybridchat.server.api.SseStream;
import ai.hybridchat.server.chat.ChatService;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/chat} (JSON, or SSE with {@code Accept: text/event-stream}),
 * {@code POST /api/chat/stream} (always SSE) and {@code POST /api/compare}.
 *
 * <p>The event stream: {@code token} events {@code {"text": "..."}} as the model writes, then
 * one {@code done} event with the whole {@link ChatReply} (citations, timings), or one
 * {@code error} event with an {@link ApiError} if generation fails after the stream started.
 */
public final class ChatHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(ChatHandlers.class);

    private final ChatService chat;

    public ChatHandlers(ChatService chat) {
        this.chat = chat;
    }

    public void chat(Context ctx) {
        ChatRequestBody request = ChatRequestBody.parse(ctx.body());
        if (SseStream.requested(ctx)) {
            stream(ctx, request);
            return;
        }
        String conversationId = conversationId(request);
        Answer answer = chat.answer(request.message(), request.mode(), conversationId);
        ctx.json(ChatReply.of(answer, conversationId));
    }

    public void chatStream(Context ctx) {
        stream(ctx, ChatRequestBody.parse(ctx.body()));
    }

    /** The body of {@code POST /api/compare}. */
    public record Comparison(String message, List<ChatReply> answers, String conversationId) {
    }

    public void compare(Context ctx) {
        ChatRequestBody request = ChatRequestBody.parse(ctx.body());
        String conversationId = conversationId(request);
        Map<Mode, Answer> answers = chat.compare(request.message());
        ctx.json(new Comparison(request.message(),
                answers.values().stream().map(a -> ChatReply.of(a, conversationId)).toList(), conversationId));
    }

    private void stream(Context ctx, ChatRequestBody request) {
        // refuse before the 200 of the event stream, so the client gets a plain JSON error
        chat.requireAvailable(request.mode());
        String conversationId = conversationId(request);
        // the stream opens with the first token: a question the model refuses before generating is a plain 400
        SseStream.Lazy events = new SseStream.Lazy(ctx, s -> { });
        try {
            Answer answer = chat.stream(request.message(), request.mode(), conversationId,
                    piece -> events.stream().send("token", Map.of("text", piece)));
            events.stream().send("done", ChatReply.of(answer, conversationId));
        } catch (SseStream.ClientGone e) {
            LOG.debug("client left during generation: {}", e.getMessage());
        } catch (RuntimeException e) {
            if (!events.opened()) {
                throw e; // nothing sent yet: the error handlers answer with a status and a JSON body
            }
            if (e instanceof IllegalArgumentException) {
                trySend(events.stream(), new ApiError("bad_request", e.getMessage()));
            } else {
                LOG.error("streaming answer failed", e);
                trySend(events.stream(), new ApiError("internal_error", "generation failed: " + e.getClass().getSimpleName()));
            }
        }
    }

    private static void trySend(SseStream events, ApiError error) {
        try {
            events.send("error", error);
        } catch (SseStream.ClientGone ignored) {
            // nobody left to tell
        }
    }

    private static String conversationId(ChatRequestBody request) {
        return request.conversationId() != null ? request.conversationId() : UUID.randomUUID().toString();
    }
}
