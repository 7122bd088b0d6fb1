package ai.hybridchat.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

/** A request body as a JSON object, or a 400 that says what is wrong with it. */
public final class JsonBodies {
    private JsonBodies() {
    }

    /** @throws ApiException (400) when the body is empty, malformed or not an object */
    public static JsonNode parseObject(Context ctx) {
        return object(ctx.body(), "the request body is empty: send a JSON object");
    }

    /** @param whenEmpty what a 400 for an empty body says */
    public static JsonNode object(String body, String whenEmpty) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest(whenEmpty);
        }
        JsonNode json;
        try {
            json = ServerJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return json;
    }
}
