package ai.hybridchat.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's error object, {@code {"error": {"message", "type", "param", "code"}}}, which the
 * official SDKs turn into their typed errors ({@code status}, {@code type}, {@code param},
 * {@code code}); used for every error of the {@code /v1} routes, mid-stream ones included.
 */
public final class OpenAiError {
    private OpenAiError() {
    }

    public static boolean applies(String path) {
        return path != null && (path.equals("/v1") || path.startsWith("/v1/"));
    }

    /** The body for an error of {@code status}; {@code code} is the platform's error code, {@code param} may be null. */
    public static Map<String, Object> body(int status, String code, String message, String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type(status));
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }

    /** OpenAI's error types by status. */
    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
