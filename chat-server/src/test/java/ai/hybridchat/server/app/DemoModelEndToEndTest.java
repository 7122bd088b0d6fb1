package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code platform serve} with no configuration: the embedded demo (bundled documents, demo base
 * model from {@code demo/model}, demo LoRA adapter from {@code demo/adapter}), asked over HTTP.
 * Fails, rather than skips, when the demo model is not in the build.
 */
class DemoModelEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    static PlatformServer server;
    static Http http;
    static final List<String> LOG = new ArrayList<>();

    @BeforeAll
    static void startDemo() {
        server = PlatformServer.start(ServerConfig.defaults().withPort(0).withDataDir(data), LOG::add);
        http = new Http(server.port());
    }

    @AfterAll
    static void stopDemo() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theEmbeddedDemoAnswersInEveryMode() {
        assertTrue(LOG.stream().anyMatch(l -> l.startsWith("copied 19 demo documents")), LOG.toString());
        JsonNode health = Http.json(http.get("/api/health"));
        assertEquals("[\"rag\",\"tuned\",\"hybrid\"]", health.path("modes").toString());
        assertEquals(6, Http.json(http.get("/api/samples")).path("questions").size());

        for (String mode : List.of("rag", "tuned", "hybrid")) {
            HttpResponse<String> response = http.post("/api/chat",
                    "{\"message\": \"How much does a Wren lamp cost?\", \"mode\": \"" + mode + "\"}");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = Http.json(response);
            assertFalse(body.path("answer").asText().isBlank(), mode + ": " + body);
            assertEquals(mode, body.path("mode").asText());
            assertTrue(body.path("timings").path("totalMs").asLong() > 0, body.toString());
            assertEquals("demo-model", body.path("model").asText(), body.toString());
            if (mode.equals("tuned")) {
                assertEquals(0, body.path("citations").size(), "tuned-only reads no passages: " + body);
            } else {
                assertEquals("wren-lamp", body.path("citations").get(0).path("docId").asText(), body.toString());
            }
            if (mode.equals("rag")) {
                assertTrue(body.path("adapter").isNull() || body.path("adapter").isMissingNode(), body.toString());
            } else {
                assertEquals("demo-adapter", body.path("adapter").asText(), body.toString());
            }
        }
        JsonNode comparison = Http.json(http.post("/api/compare", "{\"message\": \"Who is the chair of the board?\"}"));
        assertEquals(3, comparison.path("answers").size());
    }

    /**
     * The demo's promise (issue 2): questions whose answers are in the documents but were never in the
     * adapter's tuning data are answered by hybrid mode with the right fact and the right source.
     * The facts reach the answer through the copy pointer over the passages (the demo model alone
     * does not copy from its context, see docs/MODEL_CARD.md).
     */
    @Test
    void hybridAnswersHeldOutQuestionsWithTheRightFactAndCitation() throws IOException {
        assertRight(questions("/demo/qa/heldout.jsonl"), 1.0); // measured 12 of 12 with the learned reader
    }

    /**
     * The same facts asked in other words than the documents use: measured 11 of 12 with the learned
     * reader (9 of 12 with the cosine prior before it); the bar keeps the gain: at least 10.
     */
    @Test
    void hybridAnswersRewordedQuestionsToo() throws IOException {
        assertRight(questions("/demo/qa/paraphrased.jsonl"), 10.0 / 12);
    }

    private static void assertRight(List<JsonNode> heldOut, double share) throws IOException {
        List<String> failures = new ArrayList<>();
        int right = 0;
        for (JsonNode qa : heldOut) {
            JsonNode body = Http.json(http.post("/api/chat", JSON.writeValueAsString(
                    java.util.Map.of("message", qa.get("question").asText(), "mode", "hybrid"))));
            boolean fact = body.path("answer").asText().contains(qa.get("fact").asText());
            boolean cited = false;
            for (JsonNode c : body.path("citations")) {
                cited |= c.path("docId").asText().equals(qa.get("doc_id").asText());
            }
            if (fact && cited) {
                right++;
            } else {
                failures.add(qa.get("question").asText() + " -> " + body.path("answer").asText());
            }
        }
        assertTrue(right >= share * heldOut.size() - 1e-9, right + " of " + heldOut.size() + " right; wrong: " + failures);
    }

    static List<JsonNode> questions(String resource) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = DemoModelEndToEndTest.class.getResourceAsStream(resource)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }
}
