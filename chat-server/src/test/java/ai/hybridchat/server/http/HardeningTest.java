package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import io.javalin.Javalin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a careless client or an attacker meets at the edges: strict JSON, security headers, a
 * token for metrics, tuning fields checked one by one, names measured in bytes, one file per
 * upload, and a rate limit on feedback.
 */
class HardeningTest {
    static final String TOKEN = "hardening-admin-token";
    static final String METRICS_TOKEN = "hardening-metrics-token";
    static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

    @TempDir
    static Path dir;
    static ChunkIndex index;
    static Javalin app;
    static Http http;

    @BeforeAll
    static void start() {
        index = DemoDocs.lexicalIndex(dir);
        ChatService chat = DemoDocs.scriptedChat(index);
        app = ChatServer.create(ChatServer.Parts.of(chat, index).dataDir(dir).adminToken(TOKEN)
                .metricsToken(METRICS_TOKEN).build()).start(0);
        http = new Http(app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
        index.close();
    }

    @Test
    void aBodyIsOneJsonValueNothingAfterIt() {
        ChatServerTest.assertError(http.post("/api/chat", "{\"message\": \"Who designed the Wren lamp?\"} {\"x\": 1}"), 400,
                "bad_request");
        HttpResponse<String> v1 = http.post("/v1/chat/completions",
                "{\"model\": \"rag\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}]");
        assertEquals(400, v1.statusCode(), v1.body());
        assertEquals("invalid_request_error", Http.json(v1).path("error").path("type").asText());
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (String path : new String[] {"/api/health", "/nowhere", "/v1/models"}) {
            HttpResponse<String> r = http.get(path);
            assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, r.headers().firstValue("Content-Security-Policy").orElse(""), path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), path);
        }
    }

    @Test
    void metricsAskForTheirTokenWhenOneIsSet() {
        ChatServerTest.assertError(http.get("/metrics"), 401, "unauthorized");
        ChatServerTest.assertError(http.request("GET", "/metrics", null, "Authorization", "Bearer " + TOKEN), 401, "unauthorized");
        HttpResponse<String> ok = http.request("GET", "/metrics", null, "Authorization", "Bearer " + METRICS_TOKEN);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("http_requests_total"));
    }

    @Test
    void everyTuningFieldIsCheckedAndNamed() {
        String[][] cases = {
            {"\"lr\": \"x\"", "'lr'"},
            {"\"lr\": 0", "'lr'"},
            {"\"alpha\": -1", "'alpha'"},
            {"\"rank\": 1000000", "'rank'"},
            {"\"rank\": 2.5", "'rank'"},
            {"\"batch\": 100000", "'batch'"},
            {"\"epochs\": \"3\"", "'epochs'"},
            {"\"beta\": \"big\"", "'beta'"},
            {"\"learning_rate\": 0.01", "'learning_rate'"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = http.post("/api/admin/tune", "{\"method\": \"lora\", \"data\": \"qa.jsonl\", \"name\": \"n1\", "
                    + c[0] + "}", AUTH);
            ChatServerTest.assertError(r, 400, "bad_request");
            assertTrue(Http.json(r).path("detail").asText().contains(c[1]), c[0] + ": " + r.body());
        }
    }

    @Test
    void namesAreMeasuredInBytesAndAnUploadHoldsOneFile() throws Exception {
        String cjk = "文".repeat(120) + ".md"; // 120 characters, 363 bytes: more than a file system takes
        HttpResponse<String> longName = http.upload("/api/admin/documents", "file", cjk, "# T\n\nSome text.\n".getBytes(StandardCharsets.UTF_8),
                AUTH);
        ChatServerTest.assertError(longName, 400, "bad_request");

        String boundary = "----two" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a-one.md\"\r\n\r\n# A\n\nOne.\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b-two.md\"\r\n\r\n# B\n\nTwo.\r\n"
                + "--" + boundary + "--\r\n";
        HttpResponse<String> two = http.request("POST", "/api/admin/documents", HttpRequest.BodyPublishers.ofString(body),
                AUTH[0], AUTH[1], "Content-Type", "multipart/form-data; boundary=" + boundary);
        ChatServerTest.assertError(two, 400, "bad_request");
        assertFalse(Files.exists(dir.resolve("docs/a-one.md")));
        assertFalse(Files.exists(dir.resolve("docs/b-two.md")));
    }

    @Test
    void feedbackIsRateLimitedPerClient() {
        String one = "{\"question\":\"q\",\"mode\":\"rag\",\"answer\":\"a\",\"rating\":\"up\"}";
        int accepted = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 40; i++) {
            last = http.post("/api/feedback", one);
            if (last.statusCode() == 201 || last.statusCode() == 200) {
                accepted++;
            } else {
                break;
            }
        }
        assertTrue(accepted >= 20 && accepted < 40, "a burst of about 20 is taken, then no more: " + accepted);
        ChatServerTest.assertError(last, 429, "too_many_requests");
        assertTrue(last.headers().firstValue("Retry-After").isPresent());
    }
}
