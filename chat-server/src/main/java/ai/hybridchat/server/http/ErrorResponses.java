package ai.hybridchat.server.http;

import ai.hybridchat.server.chat.ModeUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into a JSON {@link ApiError} with the right status: the handlers' own
 * {@link ApiException}s, Javalin's (404 for unknown routes, 413 for oversized bodies), bad input
 * from the model layer (400) and anything unexpected (500, logged, no stack trace to the client).
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> send(ctx, e.status(), e.error(), e.getMessage()));
        routes.exception(ModeUnavailableException.class, (e, ctx) -> send(ctx, 503, "mode_unavailable", e.getMessage()));
        routes.exception(ContentTooLargeResponse.class, (e, ctx) -> send(ctx, 413, "payload_too_large",
                "the request body is larger than the server accepts"));
        routes.exception(HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), code(e.getStatus()), e.getMessage()));
        // the model layer reports input it cannot take (a prompt longer than the context, ...) this way
        routes.exception(IllegalArgumentException.class, (e, ctx) -> send(ctx, 400, "bad_request", e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
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

    public static void send(Context ctx, int status, String error, String detail) {
        ctx.status(status).json(new ApiError(error, detail));
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
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
    }
}
