package ai.hybridchat.server.http;

import ai.hybridchat.core.model.ContextLengthExceededException;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.chat.ModeUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.EOFException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a JSON error with the right status: the handlers' own
 * {@link ApiException}s, Javalin's (404 for unknown routes, 413 for oversized bodies), bad input
 * from the model layer (400; a prompt longer than the context is {@code context_length_exceeded})
 * and anything unexpected (500, logged, no stack trace to the client). The body is an
 * {@link ApiError} on the platform's routes and OpenAI's error object on {@code /v1}
 * ({@link OpenAiError}), so the OpenAI SDKs read it.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> send(ctx, e.status(), e.error(), e.getMessage(), e.param()));
        routes.exception(ContextLengthExceededException.class, (e, ctx) -> send(ctx, 400,
                "context_length_exceeded", e.getMessage(), "messages"));
        routes.exception(ModeUnavailableException.class, (e, ctx) -> send(ctx, 503, "mode_unavailable", e.getMessage()));
        routes.exception(ContentTooLargeResponse.class, (e, ctx) -> send(ctx, 413, "payload_too_large",
                "the request body is larger than the server accepts"));
        routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), code(e.getStatus()), e.getMessage()));
        // the model layer reports input it cannot take (a prompt longer than the context, ...) this way
        routes.exception(IllegalArgumentException.class, (e, ctx) -> send(ctx, 400, "bad_request", e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            String unreadable = unreadableBody(e);
            if (unreadable != null) {
                // the client sent less than it announced, or broke the chunked framing: its mistake
                LOG.debug("{} {}: unreadable request body: {}", ctx.method(), ctx.path(), unreadable);
                send(ctx, 400, "bad_request", "the request body could not be read: " + unreadable);
                return;
            }
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            send(ctx, 500, "internal_error", "the server failed to answer: " + e.getClass().getSimpleName());
        });
        routes.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                send(ctx, 404, "not_found", "no such resource: " + ctx.method() + " " + ctx.path());
            }
        });
        routes.error(405, ctx -> send(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
    }

    /**
     * Why the request body could not be read, when that is the failure (an early end of the body,
     * bad chunked framing: Jetty's EofException and BadMessageException, anywhere in the causes);
     * else null.
     */
    static String unreadableBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EofException || t instanceof EOFException
                    || t instanceof BadMessageException) {
                return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            }
        }
        return null;
    }

    public static void send(Context ctx, int status, String error, String detail) {
        send(ctx, status, error, detail, null);
    }

    public static void send(Context ctx, int status, String error, String detail, String param) {
        if (OpenAiError.applies(ctx.path())) {
            ctx.status(status).json(OpenAiError.body(status, error, detail, param));
        } else {
            ctx.status(status).json(new ApiError(error, detail));
        }
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "too_many_requests";
            case 431 -> "request_header_fields_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
    }
}
