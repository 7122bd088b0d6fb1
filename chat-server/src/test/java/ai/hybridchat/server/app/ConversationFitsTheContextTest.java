package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversation is never stuck on a 400: when its earlier turns and the new question with its
 * passages do not fit the model's context (the demo model's 1,024 tokens), the oldest turns are
 * left out, and the reply says how many ({@code historyDropped}). On the bundled demo, sized with
 * its own tokenizer.
 */
class ConversationFitsTheContextTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static PlatformServer server;
    static Http http;
    static TextTokenizer tokenizer;

    @BeforeAll
    static void start() throws IOException {
        server = PlatformServer.start(ServerConfig.defaults().withPort(0).withDataDir(data), line -> { });
        http = new Http(server.port());
        tokenizer = TextTokenizer.load(DemoModel.folder());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A question of at least {@code tokens} tokens of the demo tokenizer. */
    static String question(String start, int tokens) {
        StringBuilder q = new StringBuilder(start);
        while (tokenizer.encode(q + "?").length < tokens) {
            q.append(" and is it made of brass, oak and frosted glass");
        }
        return q + "?";
    }

    static JsonNode chat(String message, String conversation) {
        ObjectNode body = JSON.createObjectNode().put("message", message).put("mode", "rag").put("conversationId", conversation);
        HttpResponse<String> r = http.post("/api/chat", body.toString());
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r);
    }

    @Test
    void aLongTurnIsLeftOutOfTheHistoryInsteadOfFailingEveryLaterTurn() {
        // each fits alone (about 520 tokens + 3 passages + 128 new), two of them do not
        JsonNode first = chat(question("Is the Wren lamp sold abroad", 520), "long");
        assertEquals(0, first.path("historyDropped").asInt(), first.toString());
        JsonNode second = chat(question("Is the Heron lamp sold abroad", 520), "long");
        assertEquals(2, second.path("historyDropped").asInt(), "the first question and its answer were left out: " + second);
        JsonNode third = chat("How much does a Wren lamp cost?", "long");
        assertTrue(third.path("answer").asText().contains("145"), third.toString());
    }

    @Test
    void theOpenAiApiTrimsAConversationToo() {
        ObjectNode body = JSON.createObjectNode().put("model", "rag");
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Answer from the passages.");
        messages.addObject().put("role", "user").put("content", question("Is the Wren lamp sold abroad", 800));
        messages.addObject().put("role", "assistant").put("content", "It is.");
        messages.addObject().put("role", "user").put("content", "How much does a Wren lamp cost?");
        HttpResponse<String> r = http.post("/v1/chat/completions", body.toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode reply = Http.json(r);
        assertEquals(2, reply.path("history_dropped").asInt(), reply.toString());
        assertTrue(reply.path("choices").get(0).path("message").path("content").asText().contains("145"), reply.toString());
    }

    @Test
    void aQuestionTooLongForTheContextIsAPlain400EvenWhenStreamed() {
        String tooLong = question("Is the Wren lamp sold abroad", 1100);
        for (String path : new String[] {"/api/chat", "/api/chat/stream"}) {
            ObjectNode body = JSON.createObjectNode().put("message", tooLong).put("mode", "rag");
            HttpResponse<String> r = http.post(path, body.toString());
            assertEquals(400, r.statusCode(), path + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
            assertEquals("context_length_exceeded", Http.json(r).path("error").asText(), r.body());
        }
    }
}
