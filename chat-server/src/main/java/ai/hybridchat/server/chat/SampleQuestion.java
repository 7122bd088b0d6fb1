package ai.hybridchat.server.chat;

import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A question the UI offers as a one-click prompt, with the split it comes from (null: none), so a
 * visitor comparing the modes knows whether the adapter was tuned on its fact ("tuned"), only the
 * documents hold it ("documents only"), or it is a rewording of either.
 */
public record SampleQuestion(String question, String split) {
    public SampleQuestion {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("a sample question is empty");
        }
    }

    public static SampleQuestion of(String question) {
        return new SampleQuestion(question, null);
    }

    /** A JSON array whose entries are strings or {@code {"question", "split"}} objects. */
    public static List<SampleQuestion> read(InputStream in) throws IOException {
        JsonNode array = Json.MAPPER.readTree(in);
        if (array == null || !array.isArray()) {
            throw new IOException("expected a JSON array of strings or {\"question\", \"split\"} objects");
        }
        List<SampleQuestion> out = new ArrayList<>();
        for (JsonNode e : array) {
            if (e.isTextual()) {
                out.add(of(e.asText()));
            } else if (e.isObject() && e.path("question").isTextual()
                    && (e.path("split").isMissingNode() || e.path("split").isTextual())) {
                out.add(new SampleQuestion(e.get("question").asText(), e.path("split").isTextual() ? e.get("split").asText() : null));
            } else {
                throw new IOException("entry " + out.size() + " is neither a string nor {\"question\": string, \"split\": string}");
            }
        }
        return List.copyOf(out);
    }
}
