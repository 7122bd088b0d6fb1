package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.api.ServerJson;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API (bearer token), jobs over SSE, feedback and /metrics on a real server and a real index. */
class AdminApiTest {
    static final String TOKEN = "s3cret-admin-token";
    static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

    @TempDir
    static Path dir;
    static ChunkIndex index;
    static Javalin app;
    static Javalin closedApp;
    static Http http;

    @BeforeAll
    static void start() {
        index = DemoDocs.lexicalIndex(dir);
        ChatService chat = DemoDocs.scriptedChat(index);
        app = ChatServer.create(ChatServer.Parts.of(chat, index).dataDir(dir).adminToken(TOKEN).build()).start(0);
        closedApp = ChatServer.create(ChatServer.Parts.of(chat, index).dataDir(dir).build()).start(0);
        http = new Http(app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
        closedApp.stop();
        index.close();
    }

    @Test
    void withoutTheRightTokenTheAdminApiRefusesAndNeverEchoesTheToken() {
        ChatServerTest.assertError(http.get("/api/admin/documents"), 401, "unauthorized");
        HttpResponse<String> wrong = http.request("GET", "/api/admin/documents", null, "Authorization", "Bearer nope");
        ChatServerTest.assertError(wrong, 401, "unauthorized");
        assertFalse(wrong.body().contains(TOKEN));
        ChatServerTest.assertError(new Http(closedApp.port()).request("GET", "/api/admin/documents", null, AUTH), 403, "forbidden");
        assertEquals(200, http.request("GET", "/api/admin/documents", null, AUTH).statusCode());
    }

    @Test
    void anUploadIsSavedIndexedAndSearchableAndADeleteRemovesIt() throws Exception {
        String text = "# Kiln Safety\n\nThe quench tank beside kiln four holds 300 litres of water.\n";
        HttpResponse<String> up = http.upload("/api/admin/documents", "file", "kiln-safety.md", text.getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(201, up.statusCode(), up.body());
        assertEquals("added", Http.json(up).path("outcome").asText());
        assertTrue(Files.isRegularFile(dir.resolve("docs/kiln-safety.md")));
        JsonNode docs = Http.json(http.request("GET", "/api/admin/documents", null, AUTH));
        assertTrue(docs.path("documents").toString().contains("\"docId\":\"kiln-safety\""), docs.toString());
        JsonNode answer = Http.json(http.post("/api/chat", "{\"message\":\"How much water is in the quench tank?\",\"mode\":\"rag\"}"));
        assertEquals("kiln-safety", answer.path("citations").get(0).path("docId").asText(), answer.toString());

        HttpResponse<String> gone = http.request("DELETE", "/api/admin/documents/kiln-safety", null, AUTH);
        assertEquals(200, gone.statusCode(), gone.body());
        assertEquals(1, Http.json(gone).path("filesRemoved").asInt());
        assertFalse(Files.exists(dir.resolve("docs/kiln-safety.md")));
        ChatServerTest.assertError(http.request("DELETE", "/api/admin/documents/kiln-safety", null, AUTH), 404, "not_found");
    }

    @Test
    void badUploadsAreRefusedWithTheReasonAndLeaveNothingBehind() throws Exception {
        ChatServerTest.assertError(http.upload("/api/admin/documents", "file", "../escape.md", "x".getBytes(), AUTH), 400, "bad_request");
        ChatServerTest.assertError(http.upload("/api/admin/documents", "file", "tool.exe", "x".getBytes(), AUTH), 415,
                "unsupported_media_type");
        HttpResponse<String> broken = http.upload("/api/admin/documents", "file", "scan.pdf", "%PDF-1.4 broken".getBytes(), AUTH);
        ChatServerTest.assertError(broken, 422, "unprocessable_document");
        assertTrue(Http.json(broken).path("detail").asText().contains("not a readable PDF"), broken.body());
        ChatServerTest.assertError(http.upload("/api/admin/documents", "other", "a.md", "x".getBytes(), AUTH), 400, "bad_request");
        byte[] huge = new byte[(int) ai.hybridchat.server.admin.AdminInputs.MAX_UPLOAD_BYTES + 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        ChatServerTest.assertError(http.upload("/api/admin/documents", "file", "huge.txt", huge, AUTH), 413, "payload_too_large");
        try (var files = Files.list(dir.resolve("docs"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.contains("scan.pdf"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.startsWith(".upload-")), names.toString());
        }
        assertFalse(Files.exists(dir.resolve("escape.md")));
    }

    @Test
    void aReindexRunsAsAJobWhoseEventsStreamUntilDoneWhileChatsAreServed() throws Exception {
        HttpResponse<String> started = http.request("POST", "/api/admin/reindex", null, AUTH);
        assertEquals(202, started.statusCode(), started.body());
        String id = Http.json(started).path("id").asText();
        assertEquals(200, http.post("/api/chat", "{\"message\":\"Who designed the Wren lamp?\",\"mode\":\"rag\"}").statusCode());
        HttpResponse<String> events = http.request("GET", "/api/admin/jobs/" + id + "/events", null, AUTH);
        assertEquals(200, events.statusCode());
        assertTrue(events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertTrue(events.body().contains("event: progress"), events.body());
        assertTrue(events.body().contains("\"state\":\"succeeded\""), events.body());
        JsonNode job = Http.json(http.request("GET", "/api/admin/jobs/" + id, null, AUTH));
        assertEquals("succeeded", job.path("state").asText(), job.toString());
        assertTrue(job.path("result").path("documents").asInt() >= 19, job.toString());
        ChatServerTest.assertError(http.request("POST", "/api/admin/jobs/" + id + "/cancel", null, AUTH), 409, "conflict");
        ChatServerTest.assertError(http.request("GET", "/api/admin/jobs/job-999", null, AUTH), 404, "not_found");
    }

    @Test
    void feedbackStoresRatingsAndTurnsAPickIntoPreferencePairs() throws Exception {
        HttpResponse<String> rated = http.post("/api/feedback",
                "{\"question\":\"Who designed the Wren lamp?\",\"mode\":\"hybrid\",\"answer\":\"Greta Pennimore.\",\"rating\":\"up\"}");
        assertEquals(201, rated.statusCode(), rated.body());
        HttpResponse<String> picked = http.post("/api/feedback", "{\"question\":\"Who designed the Wren lamp?\","
                + "\"answers\":{\"rag\":\"Greta.\",\"tuned\":\"Nobody knows.\",\"hybrid\":\"Greta Pennimore designed it.\"},\"best\":\"hybrid\"}");
        assertEquals(201, picked.statusCode(), picked.body());
        assertEquals(2, Http.json(picked).path("preferencePairs").asInt());
        List<String> pairs = Files.readAllLines(dir.resolve("preferences.jsonl"));
        assertEquals(2, pairs.size());
        JsonNode first = ServerJson.MAPPER.readTree(pairs.get(0));
        assertEquals("Greta Pennimore designed it.", first.path("chosen").asText());
        assertTrue(Files.readAllLines(dir.resolve("feedback.jsonl")).size() >= 2);
        ChatServerTest.assertError(http.post("/api/feedback", "{\"question\":\"q\",\"answer\":\"a\",\"rating\":\"meh\"}"), 400, "bad_request");
        ChatServerTest.assertError(http.post("/api/feedback", "{\"question\":\"q\",\"answers\":{\"rag\":\"a\"},\"best\":\"hybrid\"}"), 400, "bad_request");
        ChatServerTest.assertError(http.post("/api/feedback", "{not json"), 400, "bad_request");
    }

    @Test
    void metricsCountRequestsPerRouteInPrometheusText() {
        http.get("/api/health");
        http.get("/api/health");
        HttpResponse<String> m = http.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m.headers().toString());
        assertTrue(m.body().lines().anyMatch(l -> l.startsWith("http_requests_total{method=\"GET\",route=\"/api/health\",status=\"200\"} ")),
                m.body());
        assertTrue(m.body().contains("# TYPE http_requests_total counter"));
        assertTrue(m.body().lines().anyMatch(l -> l.matches("index_documents \\d+")), m.body());
    }

    @Test
    void anEvaluationRunsAsAJobAndItsReportIsKept() throws Exception {
        HttpResponse<String> up = http.upload("/api/admin/tuning-data", "file", "qa.jsonl", ("{\"question\":\"How much does a "
                + "Wren lamp cost?\",\"answer\":\"It costs 145 euros.\",\"doc_ids\":[\"wren-lamp\"],\"fact\":\"145 euros\"}\n")
                .getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(201, up.statusCode(), up.body());
        HttpResponse<String> started = http.post("/api/admin/eval", "{\"data\":\"qa.jsonl\",\"modes\":[\"rag\"]}", AUTH);
        assertEquals(202, started.statusCode(), started.body());
        String events = http.request("GET", "/api/admin/jobs/" + Http.json(started).path("id").asText() + "/events", null, AUTH).body();
        assertTrue(events.contains("event: progress") && events.contains("\"state\":\"succeeded\""), events);
        JsonNode list = Http.json(http.request("GET", "/api/admin/evals", null, AUTH));
        String id = list.path("reports").get(0).path("id").asText();
        JsonNode report = Http.json(http.request("GET", "/api/admin/evals/" + id, null, AUTH));
        assertEquals(1, report.path("answers").size(), report.toString());
        assertEquals("rag", report.path("summary").get(0).path("mode").asText());
        assertTrue(Files.isRegularFile(dir.resolve("evals").resolve(id).resolve("report.md")));

        ChatServerTest.assertError(http.post("/api/admin/eval", "{\"data\":\"none.jsonl\"}", AUTH), 404, "not_found");
        ChatServerTest.assertError(http.post("/api/admin/eval", "{\"data\":\"../etc/passwd\"}", AUTH), 400, "bad_request");
        ChatServerTest.assertError(http.post("/api/admin/eval", "{\"data\":\"qa.jsonl\",\"modes\":[\"fast\"]}", AUTH), 400,
                "bad_request");
        ChatServerTest.assertError(http.post("/api/admin/eval", "{\"data\":\"qa.jsonl\",\"modes\":[\"tuned\"]}", AUTH), 409,
                "conflict");
        ChatServerTest.assertError(http.request("GET", "/api/admin/evals/eval-nope", null, AUTH), 404, "not_found");
        ChatServerTest.assertError(http.request("GET", "/api/admin/evals/..", null, AUTH), 400, "bad_request");
        ChatServerTest.assertError(http.post("/api/admin/eval", "{\"data\":\"qa.jsonl\"}"), 401, "unauthorized");
    }
}
