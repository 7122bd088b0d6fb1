package ai.hybridchat.server.http;

import ai.hybridchat.core.Mode;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.JsonBodies;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parsed {@code POST /api/chat} or {@code /api/compare} body: {@code {message, mode?,
 * conversationId?}}. The mode defaults to hybrid; everything else is checked here so handlers
 * only see valid requests.
 */
public record ChatRequestBody(String message, Mode mode, String conversationId) {
    public static final Mode DEFAULT_MODE = Mode.HYBRID;
    static final int MAX_CONVERSATION_ID = 128;

    /** @throws ApiException (400) naming what is wrong with the body */
    public static ChatRequestBody parse(String body) {
        JsonNode json = JsonBodies.object(body, "the request body is empty: send JSON such as {\"message\": \"...\", \"mode\": \"hybrid\"}");
        JsonNode message = json.get("message");
        if (message == null || message.isNull()) {
            throw ApiException.badRequest("'message' is required");
        }
        if (!message.isTextual()) {
            throw ApiException.badRequest("'message' must be a string");
        }
        if (message.asText().isBlank()) {
            throw ApiException.badRequest("'message' is empty");
        }
        TextFields.requireWellFormed(message.asText(), "'message'");
        Mode mode = DEFAULT_MODE;
        JsonNode modeNode = json.get("mode");
        if (modeNode != null && !modeNode.isNull()) {
            if (!modeNode.isTextual()) {
                throw ApiException.badRequest("'mode' must be a string: one of rag, tuned, hybrid");
            }
            try {
                mode = Mode.parse(modeNode.asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        String conversationId = null;
        JsonNode conversation = json.get("conversationId");
        if (conversation != null && !conversation.isNull()) {
            if (!conversation.isTextual() || conversation.asText().length() > MAX_CONVERSATION_ID) {
                throw ApiException.badRequest("'conversationId' must be a string of at most " + MAX_CONVERSATION_ID + " characters");
            }
            conversationId = conversation.asText();
        }
        return new ChatRequestBody(message.asText().strip(), mode, conversationId);
    }
}
