package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.encoder.PairScorer;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reranker and the classifier tuned from the admin room, on the embedded demo and a tiny
 * random encoder uploaded as a base (so each run takes seconds): each job streams its loss, writes
 * a folder the runtime loads, and shows in its list with what it learned; every client mistake is
 * a 4xx and leaves nothing behind.
 */
class AdminEncoderJobsTest {
    static final String[] AUTH = {"Authorization", "Bearer encoder-token"};

    @TempDir
    Path data;

    @Test
    void aRerankerAndAClassifierAreTrainedFromTheAdminRoom() throws IOException {
        TinyEncoders.write(data.resolve("embedding-models/tiny-base"), 3);
        ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(data).withAdminToken("encoder-token");
        try (PlatformServer server = PlatformServer.start(config, line -> { })) {
            Http http = new Http(server.port());
            assertEquals(201, http.upload("/api/admin/tuning-data", "file", "qa.jsonl", demoQuestions(), AUTH).statusCode());

            HttpResponse<String> reranker = http.post("/api/admin/reranker-tuning",
                    "{\"name\":\"rr\",\"data\":\"qa.jsonl\",\"base\":\"tiny-base\"}", AUTH);
            assertEquals(202, reranker.statusCode(), reranker.body());
            String events = events(http, Http.json(reranker).path("id").asText());
            assertTrue(events.contains("event: step") && events.contains("\"state\":\"succeeded\""), events);
            assertTrue(events.contains("\"folder\":\"rerankers/rr\""), events);
            try (NDManager manager = NDManager.newBaseManager();
                 PairScorer scorer = PairScorer.load(data.resolve("rerankers/rr"), PairScorer.DEFAULT_MAX_LENGTH, manager)) {
                double[] scores = scorer.score("Who runs the glass cooperative?", List.of("The cooperative is run by its members.", "Ferries"));
                assertEquals(2, scores.length);
                assertTrue(Double.isFinite(scores[0]) && Double.isFinite(scores[1]));
            }
            JsonNode rerankers = Http.json(http.request("GET", "/api/admin/rerankers", null, AUTH));
            assertEquals("rr", rerankers.path("rerankers").path(0).path("name").asText(), rerankers.toString());

            String train = labelled(24, 0);
            assertEquals(201, http.upload("/api/admin/tuning-data", "file", "topics.jsonl", train.getBytes(StandardCharsets.UTF_8), AUTH)
                    .statusCode());
            assertEquals(201, http.upload("/api/admin/tuning-data", "file", "topics-val.jsonl",
                    labelled(8, 100).getBytes(StandardCharsets.UTF_8), AUTH).statusCode());
            HttpResponse<String> classifier = http.post("/api/admin/classifier-tuning",
                    "{\"name\":\"topics\",\"data\":\"topics.jsonl\",\"validation\":\"topics-val.jsonl\",\"base\":\"tiny-base\",\"epochs\":2}", AUTH);
            assertEquals(202, classifier.statusCode(), classifier.body());
            String classifierEvents = events(http, Http.json(classifier).path("id").asText());
            assertTrue(classifierEvents.contains("event: step") && classifierEvents.contains("\"state\":\"succeeded\""), classifierEvents);
            assertTrue(classifierEvents.contains("\"accuracy\"") && classifierEvents.contains("\"scoredOn\":\"topics-val.jsonl\""),
                    classifierEvents);
            try (NDManager manager = NDManager.newBaseManager()) {
                BertSequenceClassifier.Loaded loaded = BertSequenceClassifier.load(data.resolve("classifiers/topics"), manager);
                assertEquals(List.of("ferries", "kites"), loaded.labels());
                loaded.classifier().close();
            }
            JsonNode classifiers = Http.json(http.request("GET", "/api/admin/classifiers", null, AUTH));
            JsonNode row = classifiers.path("classifiers").path(0);
            assertEquals("topics", row.path("name").asText(), classifiers.toString());
            assertEquals("[\"ferries\",\"kites\"]", row.path("labels").toString());
            assertTrue(row.path("classification").has("accuracy"), row.toString());

            // client mistakes: 4xx, nothing written
            assertEquals(400, http.post("/api/admin/reranker-tuning", "{\"name\":\"x\",\"activate\":true}", AUTH).statusCode());
            assertEquals(404, http.post("/api/admin/reranker-tuning", "{\"name\":\"x\",\"base\":\"nope\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/reranker-tuning", "{\"name\":\"x\",\"base\":\"../tiny-base\"}", AUTH).statusCode());
            assertEquals(409, http.post("/api/admin/reranker-tuning", "{\"name\":\"rr\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/reranker-tuning", "{\"name\":\"x\",\"data\":\"topics.jsonl\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/classifier-tuning", "{\"name\":\"x\"}", AUTH).statusCode());
            assertEquals(404, http.post("/api/admin/classifier-tuning", "{\"name\":\"x\",\"data\":\"none.jsonl\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/classifier-tuning", "{\"name\":\"x\",\"data\":\"qa.jsonl\"}", AUTH).statusCode());
            assertEquals(400, http.post("/api/admin/classifier-tuning", "{\"name\":\"x\",\"data\":\"topics.jsonl\",\"lora\":1}", AUTH)
                    .statusCode());
            assertEquals(409, http.post("/api/admin/classifier-tuning", "{\"name\":\"topics\",\"data\":\"topics.jsonl\"}", AUTH).statusCode());
            assertEquals(201, http.upload("/api/admin/tuning-data", "file", "one-label.jsonl",
                    "{\"text\":\"a kite\",\"label\":\"kites\"}\n".getBytes(StandardCharsets.UTF_8), AUTH).statusCode());
            HttpResponse<String> oneLabel = http.post("/api/admin/classifier-tuning", "{\"name\":\"x\",\"data\":\"one-label.jsonl\"}", AUTH);
            assertEquals(422, oneLabel.statusCode(), oneLabel.body());
            assertTrue(Http.json(oneLabel).path("detail").asText().contains("two labels"), oneLabel.body());
            assertFalse(Http.json(oneLabel).path("detail").asText().contains(data.toString()), oneLabel.body());
            HttpResponse<String> badLine = http.upload("/api/admin/tuning-data", "file", "bad.jsonl",
                    "{\"text\":\"a kite\",\"label\":\"kites\"}\n{\"text\":\"\",\"label\":\"x\"}\n".getBytes(StandardCharsets.UTF_8), AUTH);
            assertEquals(422, badLine.statusCode(), badLine.body());
            assertEquals(401, http.post("/api/admin/classifier-tuning", "{\"name\":\"x\",\"data\":\"topics.jsonl\"}").statusCode());
            assertFalse(Files.exists(data.resolve("classifiers/x")));
            assertFalse(Files.exists(data.resolve("rerankers/x")));
            assertFalse(Files.exists(data.resolve("tuning/bad.jsonl")));
        }
    }

    /** {@code n} short texts per label about two of the demo's topics. */
    private static String labelled(int n, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            sb.append("{\"text\":\"kite festival day ").append(i).append(": lines, wind and a red kite\",\"label\":\"kites\"}\n");
            sb.append("{\"text\":\"ferry timetable ").append(i).append(": the harbour boat leaves at dawn\",\"label\":\"ferries\"}\n");
        }
        return sb.toString();
    }

    private static String events(Http http, String job) {
        return http.request("GET", "/api/admin/jobs/" + job + "/events", null, AUTH).body();
    }

    private static byte[] demoQuestions() throws IOException {
        try (InputStream in = AdminEncoderJobsTest.class.getResourceAsStream("/demo/qa/train.jsonl")) {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return String.join("\n", all.lines().limit(40).toList()).getBytes(StandardCharsets.UTF_8);
        }
    }
}
