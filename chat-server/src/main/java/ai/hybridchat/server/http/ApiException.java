package ai.hybridchat.server.http;

/** Thrown by a handler to answer with an error status and an {@link ApiError} body. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
