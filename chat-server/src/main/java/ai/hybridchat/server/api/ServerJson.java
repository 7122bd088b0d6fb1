package ai.hybridchat.server.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The Jackson mapper of the HTTP API: requests and responses, SSE event data. */
public final class ServerJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // a body is one JSON value: '{...} trailing garbage' is a client's mistake, not accepted
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private ServerJson() {
    }
}
