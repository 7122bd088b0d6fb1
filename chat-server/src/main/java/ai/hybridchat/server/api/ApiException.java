package ai.hybridchat.server.api;

/**
 * Thrown by a handler to answer with an error status and an error body: the platform's own
 * {@code {"error", "detail"}} on its routes, OpenAI's error object (with {@link #param}) on {@code /v1}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final String param;

    public ApiException(int status, String error, String detail) {
        this(status, error, detail, null);
    }

    /** @param param the request parameter at fault (OpenAI's {@code param}), or null */
    public ApiException(int status, String error, String detail, String param) {
        super(detail);
        this.status = status;
        this.error = error;
        this.param = param;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    /** A 400 naming the request parameter at fault. */
    public static ApiException badParameter(String param, String detail) {
        return new ApiException(400, "invalid_parameter", detail, param);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String param() {
        return param;
    }
}
