package ai.hybridchat.server.http;

import ai.hybridchat.server.api.ServerJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a malformed request line, headers too large, a URI Jetty refuses:
 * errors found before a request reaches the routes) as the JSON every other error is, instead of
 * Jetty's HTML page: {@link ApiError} on the platform's paths, OpenAI's error object on
 * {@code /v1}. No stack trace or server detail is written.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        byte[] body = body(path, code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Errors of the HTTP parser itself (400, 431), answered before any request object exists. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(null, status, reason));
    }

    private static byte[] body(String path, int code, String message) {
        String detail = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        Object json = OpenAiError.applies(path) ? OpenAiError.body(code, ErrorResponses.code(code), detail, null)
                : new ApiError(ErrorResponses.code(code), detail);
        try {
            return ServerJson.MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + ErrorResponses.code(code) + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
