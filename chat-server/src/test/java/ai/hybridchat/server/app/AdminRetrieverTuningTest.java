package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retriever tuned from the admin room, on the embedded demo: a job tunes the embedding model
 * the index embeds with (here a tiny random encoder, so the run takes seconds) on uploaded
 * questions and answers, re-embeds the documents beside the live index and swaps; another tunes on
 * the documents alone without switching; the index goes back to a listed model and to the bundled
 * one; the choice survives a restart; every client mistake is a 4xx.
 */
class AdminRetrieverTuningTest {
    static final String[] AUTH = {"Authorization", "Bearer retriever-token"};

    @TempDir
    Path data;

    @Test
    void theRetrieverIsTunedSwappedAndSwitchedBackFromTheAdminRoom() throws IOException {
        TinyEncoders.write(data.resolve("embedding-models/tiny-base"), 3);
        Files.writeString(data.resolve("embedding-model.json"), "{\"model\":\"tiny-base\"}");
        ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(data).withAdminToken("retriever-token");
        List<String> log = new ArrayList<>();
        try (PlatformServer server = PlatformServer.start(config, log::add)) {
            Http http = new Http(server.port());
            assertTrue(server.index().embeddingModelName().startsWith("tiny-base@"), server.index().embeddingModelName());
            JsonNode models = Http.json(http.request("GET", "/api/admin/embedding-models", null, AUTH));
            assertEquals("tiny-base", models.path("active").asText(), models.toString());
            assertFalse(models.path("fixedByConfig").asBoolean());

            HttpResponse<String> up = http.upload("/api/admin/tuning-data", "file", "qa.jsonl", demoQuestions(), AUTH);
            assertEquals(201, up.statusCode(), up.body());
            HttpResponse<String> started = http.post("/api/admin/embedding-tuning", "{\"name\":\"demo-tuned\",\"data\":\"qa.jsonl\",\"epochs\":1}", AUTH);
            assertEquals(202, started.statusCode(), started.body());
            String events = events(http, Http.json(started).path("id").asText());
            assertTrue(events.contains("event: step") && events.contains("\"loss\""), events);
            assertTrue(events.contains("\"state\":\"succeeded\""), events);
            assertTrue(events.contains("re-embedding the documents with demo-tuned"), events);
            assertTrue(server.index().embeddingModelName().startsWith("demo-tuned@"), server.index().embeddingModelName());
            assertFalse(server.index().searcher().search("Who runs the Tollanby Glass Cooperative?", SearchMode.DENSE, 3).isEmpty());
            assertTrue(Files.readString(data.resolve("embedding-model.json")).contains("demo-tuned"));

            // pseudo-queries from the documents alone, kept beside the active model
            HttpResponse<String> ict = http.post("/api/admin/embedding-tuning", "{\"name\":\"from-docs\",\"epochs\":1,\"activate\":false}", AUTH);
            assertEquals(202, ict.statusCode(), ict.body());
            String ictEvents = events(http, Http.json(ict).path("id").asText());
            assertTrue(ictEvents.contains("inverse cloze") && ictEvents.contains("\"state\":\"succeeded\""), ictEvents);
            assertTrue(Files.isRegularFile(data.resolve("embedding-models/from-docs/model.safetensors")));
            assertTrue(server.index().embeddingModelName().startsWith("demo-tuned@"), "not switched");

            // client mistakes
            assertEquals(400, http.post("/api/admin/embedding-tuning", "{\"name\":\"x\",\"steps\":3}", AUTH).statusCode());
            assertEquals(409, http.post("/api/admin/embedding-tuning", "{\"name\":\"demo-tuned\"}", AUTH).statusCode());
            assertEquals(409, http.post("/api/admin/embedding-tuning", "{\"name\":\"all-minilm-l6-v2\"}", AUTH).statusCode());
            assertEquals(404, http.post("/api/admin/embedding-tuning", "{\"name\":\"x\",\"data\":\"none.jsonl\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/embedding-tuning", "{\"name\":\"../x\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/embedding-tuning", "{\"name\":\"x\",\"epochs\":0}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/embedding-tuning", "{\"name\":\"x\",\"activate\":\"yes\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/embedding-tuning", "[1]", AUTH).statusCode());
            HttpResponse<String> sft = http.upload("/api/admin/tuning-data", "file", "sft.jsonl",
                    "{\"prompt\":\"a\",\"completion\":\"b\"}\n".getBytes(StandardCharsets.UTF_8), AUTH);
            assertEquals(201, sft.statusCode(), sft.body());
            HttpResponse<String> wrongKind = http.post("/api/admin/embedding-tuning", "{\"name\":\"x\",\"data\":\"sft.jsonl\"}", AUTH);
            assertEquals(400, wrongKind.statusCode(), wrongKind.body());
            assertTrue(Http.json(wrongKind).path("detail").asText().contains("query"), wrongKind.body());
            assertEquals(404, http.post("/api/admin/embedding-models/nope/activate", "", AUTH).statusCode());
            assertEquals(401, http.post("/api/admin/embedding-tuning", "{\"name\":\"x\"}").statusCode());
            assertFalse(Files.exists(data.resolve("embedding-models/x")));

            // back to a listed model, then to the bundled one (another dimension: 384, not 32)
            HttpResponse<String> back = http.post("/api/admin/embedding-models/tiny-base/activate", "", AUTH);
            assertEquals(202, back.statusCode(), back.body());
            assertTrue(events(http, Http.json(back).path("id").asText()).contains("\"state\":\"succeeded\""));
            assertTrue(server.index().embeddingModelName().startsWith("tiny-base@"));
            HttpResponse<String> bundled = http.post("/api/admin/embedding-models/all-minilm-l6-v2/activate", "", AUTH);
            String bundledEvents = events(http, Http.json(bundled).path("id").asText());
            assertTrue(bundledEvents.contains("\"state\":\"succeeded\""), bundledEvents);
            assertFalse(server.index().searcher().search("Who runs the Tollanby Glass Cooperative?", SearchMode.DENSE, 3).isEmpty());
            HttpResponse<String> tiny = http.post("/api/admin/embedding-models/tiny-base/activate", "", AUTH);
            assertTrue(events(http, Http.json(tiny).path("id").asText()).contains("\"state\":\"succeeded\""));
        }
        // a restart keeps the admin's choice: the index opens with it and is not rebuilt
        log.clear();
        try (PlatformServer server = PlatformServer.start(config, log::add)) {
            assertTrue(server.index().embeddingModelName().startsWith("tiny-base@"), server.index().embeddingModelName());
            assertTrue(log.stream().noneMatch(l -> l.contains("rebuilding")), log.toString());
        }
    }

    private static String events(Http http, String job) {
        return http.request("GET", "/api/admin/jobs/" + job + "/events", null, AUTH).body();
    }

    private static byte[] demoQuestions() throws IOException {
        try (InputStream in = AdminRetrieverTuningTest.class.getResourceAsStream("/demo/qa/train.jsonl")) {
            // the first 40 questions: enough for a batch of in-batch negatives, a few seconds of tuning
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return String.join("\n", all.lines().limit(40).toList()).getBytes(StandardCharsets.UTF_8);
        }
    }
}
