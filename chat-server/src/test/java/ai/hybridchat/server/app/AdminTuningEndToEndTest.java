package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
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
 * The embedded demo with an admin token: tuning data uploaded, a real LoRA job on the demo model
 * followed over SSE, the new adapter listed and activated without a restart.
 */
class AdminTuningEndToEndTest {
    static final String[] AUTH = {"Authorization", "Bearer tune-token"};

    @TempDir
    static Path data;
    static PlatformServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = PlatformServer.start(ServerConfig.defaults().withPort(0).withDataDir(data).withAdminToken("tune-token"),
                new ArrayList<String>()::add);
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTuningJobRunsOnTheDemoModelAndItsAdapterIsActivatedWithoutARestart() {
        String pairs = "{\"prompt\":\"Who waters the kiln garden?\",\"completion\":\"The night porter waters it.\"}\n"
                + "{\"prompt\":\"Where is the spare key?\",\"completion\":\"The spare key hangs in the office.\"}\n";
        HttpResponse<String> bad = http.upload("/api/admin/tuning-data", "file", "bad.jsonl",
                "{\"prompt\":\"a\",\"completion\":\"b\"}\nnot json\n".getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(422, bad.statusCode(), bad.body());
        assertTrue(Http.json(bad).path("detail").asText().contains("line 2: not JSON"), bad.body());
        HttpResponse<String> up = http.upload("/api/admin/tuning-data", "file", "porter.jsonl", pairs.getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(201, up.statusCode(), up.body());
        assertEquals(2, Http.json(up).path("examples").asInt());

        HttpResponse<String> started = http.post("/api/admin/tune",
                "{\"method\":\"lora\",\"data\":\"porter.jsonl\",\"name\":\"porter-lora\",\"steps\":6,\"batch\":2,\"lr\":0.005}", AUTH);
        assertEquals(202, started.statusCode(), started.body());
        String job = Http.json(started).path("id").asText();
        HttpResponse<String> events = http.request("GET", "/api/admin/jobs/" + job + "/events", null, AUTH);
        assertTrue(events.body().contains("event: step"), events.body());
        assertTrue(events.body().contains("\"totalSteps\":6"), events.body());
        assertTrue(events.body().contains("\"state\":\"succeeded\""), events.body());

        JsonNode adapters = Http.json(http.request("GET", "/api/admin/adapters", null, AUTH));
        assertEquals("demo-adapter", adapters.path("active").asText(), adapters.toString());
        JsonNode porter = null;
        for (JsonNode a : adapters.path("adapters")) { // the other test may have added its adapter
            porter = a.path("name").asText().equals("porter-lora") ? a : porter;
        }
        assertTrue(porter != null, adapters.toString());
        assertEquals("LORA", porter.path("peftType").asText());

        HttpResponse<String> activated = http.post("/api/admin/adapters/porter-lora/activate", "", AUTH);
        assertEquals(200, activated.statusCode(), activated.body());
        JsonNode answer = Http.json(http.post("/api/chat", "{\"message\":\"Who waters the kiln garden?\",\"mode\":\"tuned\"}"));
        assertEquals("porter-lora", answer.path("adapter").asText(), answer.toString());

        assertEquals(409, http.post("/api/admin/tune",
                "{\"method\":\"lora\",\"data\":\"porter.jsonl\",\"name\":\"porter-lora\"}", AUTH).statusCode());
        assertEquals(400, http.post("/api/admin/tune", "{\"method\":\"ppo\",\"data\":\"porter.jsonl\",\"name\":\"x\"}", AUTH).statusCode());
        assertEquals(400, http.post("/api/admin/tune", "{\"method\":\"lora\",\"data\":\"../etc/passwd\",\"name\":\"x\"}", AUTH).statusCode());
        assertEquals(404, http.post("/api/admin/adapters/nope/activate", "", AUTH).statusCode());
        assertEquals(401, http.post("/api/admin/tune", "{}").statusCode());

        // a long job cancelled mid-way ends cancelled and writes no adapter
        HttpResponse<String> longRun = http.post("/api/admin/tune",
                "{\"method\":\"lora\",\"data\":\"porter.jsonl\",\"name\":\"never-finished\",\"steps\":5000,\"batch\":2}", AUTH);
        String longJob = Http.json(longRun).path("id").asText();
        HttpResponse<String> cancel = null;
        for (int i = 0; i < 100 && (cancel == null || cancel.statusCode() != 202); i++) {
            cancel = http.post("/api/admin/jobs/" + longJob + "/cancel", "", AUTH);
        }
        assertEquals(202, cancel.statusCode(), cancel.body());
        HttpResponse<String> ended = http.request("GET", "/api/admin/jobs/" + longJob + "/events", null, AUTH);
        assertTrue(ended.body().contains("\"state\":\"cancelled\""), ended.body());
        assertTrue(java.nio.file.Files.notExists(data.resolve("adapters/never-finished")));
    }

    /** Feedback from the compare view becomes preference pairs, and a DPO job tunes an adapter on them. */
    @Test
    void pickedAnswersFeedADpoJob() {
        assertEquals(404, http.post("/api/admin/tune", "{\"method\":\"dpo\",\"data\":\"feedback\",\"name\":\"early\"}",
                AUTH).statusCode(), "no preferences collected yet");
        for (String q : List.of("Who is the chair of the board?", "How much does a Wren lamp cost?", "Where is the warehouse?")) {
            HttpResponse<String> picked = http.post("/api/feedback", "{\"question\":\"" + q + "\",\"best\":\"hybrid\","
                    + "\"answers\":{\"hybrid\":\"An answer from the documents.\",\"tuned\":\"A guess.\",\"rag\":\"Another guess.\"}}");
            assertEquals(201, picked.statusCode(), picked.body());
        }
        HttpResponse<String> started = http.post("/api/admin/tune",
                "{\"method\":\"dpo\",\"data\":\"feedback\",\"name\":\"feedback-dpo\",\"steps\":6,\"batch\":2,\"lr\":0.005}", AUTH);
        assertEquals(202, started.statusCode(), started.body());
        String job = Http.json(started).path("id").asText();
        HttpResponse<String> events = http.request("GET", "/api/admin/jobs/" + job + "/events", null, AUTH);
        assertTrue(events.body().contains("\"state\":\"succeeded\""), events.body());
        assertTrue(events.body().contains("\"rewardAccuracy\":1.0"), "6 pairs, 6 steps: every pair learned; " + events.body());
        JsonNode adapters = Http.json(http.request("GET", "/api/admin/adapters", null, AUTH));
        assertTrue(adapters.toString().contains("\"feedback-dpo\""), adapters.toString());

        // lines an older server let through (empty and non-string answers, broken JSON) are skipped
        // and reported; the job still trains on the good pairs
        StringBuilder poison = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            poison.append("{\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":\"\"}\n")
                    .append("{\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":7}\n").append("{broken\n");
        }
        try {
            java.nio.file.Files.writeString(data.resolve("preferences.jsonl"), poison, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpResponse<String> again = http.post("/api/admin/tune",
                "{\"method\":\"dpo\",\"data\":\"feedback\",\"name\":\"feedback-dpo-2\",\"steps\":2,\"batch\":2}", AUTH);
        assertEquals(202, again.statusCode(), again.body());
        String events2 = http.request("GET", "/api/admin/jobs/" + Http.json(again).path("id").asText() + "/events", null, AUTH).body();
        assertTrue(events2.contains("\"state\":\"succeeded\""), events2);
        assertTrue(events2.contains("120 malformed line(s) skipped"), events2);
        assertTrue(events2.length() < 20_000, "the report names the count and a few lines, not all of them");

        HttpResponse<String> sftUpload = http.upload("/api/admin/tuning-data", "file", "plain.jsonl",
                "{\"prompt\":\"a\",\"completion\":\"b\"}\n".getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(201, sftUpload.statusCode(), sftUpload.body());
        HttpResponse<String> wrongData = http.post("/api/admin/tune", "{\"method\":\"dpo\",\"data\":\"plain.jsonl\",\"name\":\"y\"}", AUTH);
        assertEquals(400, wrongData.statusCode(), wrongData.body());
        assertTrue(Http.json(wrongData).path("error").asText().contains("not preference data")
                || wrongData.body().contains("not preference data"), wrongData.body());
        HttpResponse<String> prefUpload = http.upload("/api/admin/tuning-data", "file", "prefs.jsonl",
                "{\"prompt\":\"a\",\"chosen\":\"b\",\"rejected\":\"c\"}\n{\"prompt\":\"a\",\"chosen\":\"b\"}\n".getBytes(StandardCharsets.UTF_8), AUTH);
        assertEquals(422, prefUpload.statusCode(), prefUpload.body());
        assertTrue(prefUpload.body().contains("line 2"), prefUpload.body());
    }
}
