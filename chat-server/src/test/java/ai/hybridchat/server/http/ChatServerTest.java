package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SnippetStyle;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.chat.SampleQuestion;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import ai.hybridchat.server.testing.ScriptedChatModel;
import ai.hybridchat.server.testing.SseEvents;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API on a real Javalin server and a real (BM25) index of the demo documents; the two
 * language models are scripted stand-ins, so these tests check the server, not the model.
 */
class ChatServerTest {
    @TempDir
    static Path dir;

    static ChunkIndex index;
    static Javalin app;
    static Javalin ragOnlyApp;
    static Javalin brokenApp;
    static Http http;
    static ScriptedChatModel base = new ScriptedChatModel("base");
    static ScriptedChatModel tuned = new ScriptedChatModel("tuned");

    @BeforeAll
    static void start() {
        index = DemoDocs.lexicalIndex(dir);
        LuceneRetriever retriever = new LuceneRetriever(index.searcher(SearchOptions.defaults().withSnippets(SearchOptions.DEFAULT_SNIPPET_CHARS, SnippetStyle.PLAIN)), SearchMode.BM25);
        ChatService chat = ChatService.builder().retriever(retriever)
                .baseModel(base, "demo-base").tunedModel(tuned, "demo-lora").build();
        app = ChatServer.create(ChatServer.Parts.of(chat, index)
                .samples(List.of(new SampleQuestion("How much does a Wren lamp cost?", "tuned"))).build()).start(0);
        http = new Http(app.port());

        ChatService ragOnly = ChatService.builder().retriever(retriever).baseModel(base, "demo-base").build();
        ragOnlyApp = ChatServer.create(ChatServer.Parts.of(ragOnly, index).build()).start(0);

        ChatService broken = ChatService.builder().retriever(retriever)
                .baseModel(new ScriptedChatModel("base", true), "demo-base").build();
        brokenApp = ChatServer.create(ChatServer.Parts.of(broken, index).build()).start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
        ragOnlyApp.stop();
        brokenApp.stop();
        index.close();
    }

    static void assertError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "content type of " + response.body());
        JsonNode body = Http.json(response);
        assertEquals(error, body.path("error").asText(), response.body());
        assertFalse(body.path("detail").asText().isBlank(), "an error names the problem: " + response.body());
    }

    @Test
    void healthReportsModelAdapterModesAndIndex() {
        HttpResponse<String> response = http.get("/api/health");
        assertEquals(200, response.statusCode());
        JsonNode body = Http.json(response);
        assertEquals("ok", body.path("status").asText());
        assertEquals("demo-base", body.path("model").asText());
        assertEquals("demo-lora", body.path("adapter").asText());
        assertEquals("[\"rag\",\"tuned\",\"hybrid\"]", body.path("modes").toString());
        assertEquals(19, body.path("documents").asInt());
        assertTrue(body.path("chunks").asInt() >= 19);
    }

    @Test
    void samplesAreServed() {
        JsonNode body = Http.json(http.get("/api/samples"));
        assertEquals("How much does a Wren lamp cost?", body.path("questions").get(0).asText());
        assertEquals("tuned", body.path("samples").get(0).path("split").asText());
    }

    @Test
    void ragAnswerCitesRetrievedPassages() {
        HttpResponse<String> response = http.post("/api/chat", "{\"message\": \"How much does a Wren lamp cost?\", \"mode\": \"rag\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Http.json(response);
        assertEquals("base read 3 passages", body.path("answer").asText());
        assertEquals("rag", body.path("mode").asText());
        assertEquals("demo-base", body.path("model").asText());
        assertTrue(body.path("adapter").isNull());
        JsonNode citations = body.path("citations");
        assertEquals(3, citations.size());
        JsonNode first = citations.get(0);
        assertEquals("wren-lamp", first.path("docId").asText());
        assertEquals("The Wren Lamp", first.path("title").asText());
        assertTrue(first.path("chunkId").asText().startsWith("wren-lamp#"));
        assertTrue(first.path("score").asDouble() > 0);
        assertFalse(first.path("snippet").asText().contains("<b>"), "snippets are plain text");
        for (String timing : List.of("retrievalMs", "generationMs", "totalMs", "firstTokenMs")) {
            assertTrue(body.path("timings").path(timing).isIntegralNumber(), timing);
        }
        List<String> order = new java.util.ArrayList<>();
        body.path("timings").fieldNames().forEachRemaining(order::add);
        assertEquals(List.of("retrievalMs", "generationMs", "totalMs", "firstTokenMs"), order);
        assertTrue(body.path("timings").path("firstTokenMs").asLong() <= body.path("timings").path("totalMs").asLong(), body.toString());
        assertFalse(body.path("conversationId").asText().isBlank());
    }

    @Test
    void tunedAnswerUsesTheAdapterAndNoPassages() {
        JsonNode body = Http.json(http.post("/api/chat", "{\"message\": \"Who designed the Wren lamp?\", \"mode\": \"tuned\", \"conversationId\": \"c-1\"}"));
        assertEquals("tuned read 0 passages", body.path("answer").asText());
        assertEquals("demo-lora", body.path("adapter").asText());
        assertEquals(0, body.path("citations").size());
        assertEquals("c-1", body.path("conversationId").asText());
    }

    @Test
    void aConversationRemembersItsEarlierTurnsAndOnlyItsOwn() {
        String first = "{\"message\": \"Who designed the Wren lamp?\", \"mode\": \"rag\", \"conversationId\": \"memory-1\"}";
        assertEquals("base read 3 passages", Http.json(http.post("/api/chat", first)).path("answer").asText());
        String second = "{\"message\": \"And when?\", \"mode\": \"rag\", \"conversationId\": \"memory-1\"}";
        assertEquals("base read 3 passages after 2 earlier messages", Http.json(http.post("/api/chat", second)).path("answer").asText());
        // the last user message is still the question with its passages; the earlier ones are plain
        assertTrue(base.prompts.get(base.prompts.size() - 1).contains("And when?"));
        String other = "{\"message\": \"And when?\", \"mode\": \"rag\", \"conversationId\": \"memory-2\"}";
        assertEquals("base read 3 passages", Http.json(http.post("/api/chat", other)).path("answer").asText());
        for (int i = 0; i < 3; i++) {
            http.post("/api/chat", second);
        }
        assertEquals("base read 3 passages after 4 earlier messages", Http.json(http.post("/api/chat", second)).path("answer").asText(),
                "the window keeps the last 4 messages");
    }

    @Test
    void modeDefaultsToHybrid() {
        JsonNode body = Http.json(http.post("/api/chat", "{\"message\": \"Who designed the Wren lamp?\"}"));
        assertEquals("hybrid", body.path("mode").asText());
        assertEquals("tuned read 3 passages", body.path("answer").asText());
        assertEquals(3, body.path("citations").size());
    }

    @Test
    void streamSendsTokensThenTheWholeAnswer() {
        HttpResponse<String> response = http.post("/api/chat/stream", "{\"message\": \"Who is the chair of the board?\", \"mode\": \"hybrid\"}");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<SseEvents.Event> events = SseEvents.parse(response.body());
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("token")).forEach(e -> text.append(e.data().path("text").asText()));
        assertEquals("tuned read 3 passages", text.toString());
        SseEvents.Event last = events.get(events.size() - 1);
        assertEquals("done", last.name());
        assertEquals("tuned read 3 passages", last.data().path("answer").asText());
        assertEquals(3, last.data().path("citations").size());
        assertTrue(events.stream().filter(e -> e.name().equals("token")).count() > 1, "streamed in pieces");
    }

    @Test
    void chatStreamsWhenTheClientAcceptsAnEventStream() {
        HttpResponse<String> response = http.post("/api/chat", "{\"message\": \"Who is the chair of the board?\", \"mode\": \"rag\"}",
                "Accept", "text/event-stream");
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<SseEvents.Event> events = SseEvents.parse(response.body());
        assertEquals("done", events.get(events.size() - 1).name());
    }

    @Test
    void failureAfterTheStreamStartedIsAnErrorEvent() {
        HttpResponse<String> response = new Http(brokenApp.port()).post("/api/chat/stream", "{\"message\": \"Who?\", \"mode\": \"rag\"}");
        List<SseEvents.Event> events = SseEvents.parse(response.body());
        SseEvents.Event last = events.get(events.size() - 1);
        assertEquals("error", last.name());
        assertEquals("internal_error", last.data().path("error").asText());
    }

    @Test
    void failureWithoutStreamingIsA500Json() {
        assertError(new Http(brokenApp.port()).post("/api/chat", "{\"message\": \"Who?\", \"mode\": \"rag\"}"), 500, "internal_error");
    }

    @Test
    void compareAnswersInAllThreeModes() {
        HttpResponse<String> response = http.post("/api/compare", "{\"message\": \"When did the first Heron Fair take place?\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode answers = Http.json(response).path("answers");
        assertEquals(3, answers.size());
        assertEquals("rag", answers.get(0).path("mode").asText());
        assertEquals("base read 3 passages", answers.get(0).path("answer").asText());
        assertEquals("tuned", answers.get(1).path("mode").asText());
        assertEquals(0, answers.get(1).path("citations").size());
        assertEquals("hybrid", answers.get(2).path("mode").asText());
        assertEquals("tuned read 3 passages", answers.get(2).path("answer").asText());
        assertEquals(answers.get(0).path("citations"), answers.get(2).path("citations"), "retrieved once, cited by both");
    }

    @Test
    void malformedJsonIs400() {
        assertError(http.post("/api/chat", "{\"message\": "), 400, "bad_request");
        assertError(http.post("/api/chat", "[1, 2]"), 400, "bad_request");
        assertError(http.post("/api/chat", ""), 400, "bad_request");
        assertError(http.post("/api/compare", "not json"), 400, "bad_request");
        assertError(http.post("/api/chat/stream", "{"), 400, "bad_request");
    }

    @Test
    void missingOrEmptyMessageIs400() {
        assertError(http.post("/api/chat", "{\"mode\": \"rag\"}"), 400, "bad_request");
        assertError(http.post("/api/chat", "{\"message\": \"   \"}"), 400, "bad_request");
        assertError(http.post("/api/chat", "{\"message\": 42}"), 400, "bad_request");
        assertError(http.post("/api/compare", "{}"), 400, "bad_request");
    }

    @Test
    void unknownModeIs400NamingTheValidModes() {
        HttpResponse<String> response = http.post("/api/chat", "{\"message\": \"Who?\", \"mode\": \"fast\"}");
        assertError(response, 400, "bad_request");
        assertTrue(Http.json(response).path("detail").asText().contains("rag, tuned or hybrid"));
    }

    @Test
    void oversizeBodyIs413() {
        String big = "{\"message\": \"" + "a".repeat(70 * 1024) + "\"}";
        assertError(http.post("/api/chat", big), 413, "payload_too_large");
    }

    @Test
    void oversizeChunkedBodyIs413() throws Exception {
        byte[] big = ("{\"message\": \"" + "a".repeat(70 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + app.port() + "/api/chat"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertError(response, 413, "payload_too_large");
    }

    @Test
    void unknownRoutesAre404Json() {
        assertError(http.get("/api/nothing-here"), 404, "not_found");
        assertError(http.post("/api/nothing-here", "{}"), 404, "not_found");
    }

    @Test
    void adapterModesWithoutAnAdapterAre503() {
        Http ragOnly = new Http(ragOnlyApp.port());
        assertError(ragOnly.post("/api/chat", "{\"message\": \"Who?\", \"mode\": \"tuned\"}"), 503, "mode_unavailable");
        assertError(ragOnly.post("/api/chat/stream", "{\"message\": \"Who?\", \"mode\": \"hybrid\"}"), 503, "mode_unavailable");
        assertError(ragOnly.post("/api/compare", "{\"message\": \"Who?\"}"), 503, "mode_unavailable");
        JsonNode health = Http.json(ragOnly.get("/api/health"));
        assertEquals("[\"rag\"]", health.path("modes").toString());
        assertNull(health.get("adapter").textValue());
        assertEquals(200, ragOnly.post("/api/chat", "{\"message\": \"Who?\", \"mode\": \"rag\"}").statusCode());
    }

    @Test
    void theWebPageIsServedFromTheClasspath() {
        HttpResponse<String> page = http.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Hybrid chat</title>"));
        HttpResponse<String> script = http.get("/app.js");
        assertEquals(200, script.statusCode());
        assertFalse(script.body().contains("innerHTML"), "model output is only set with textContent");
        assertEquals(200, http.get("/style.css").statusCode());
    }
}
