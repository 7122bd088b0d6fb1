package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.server.config.RemoteModel;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible API of the embedded demo, used by LangChain4j's own OpenAI client (the
 * same code path as the official SDKs: JSON over HTTP, SSE chunks), and the remote-model switch:
 * a second platform that retrieves locally but generates on the first through that API.
 */
class OpenAiCompatibleApiTest {
    static final String QUESTION = "How much does a Wren lamp cost?";

    @TempDir
    static Path data;
    @TempDir
    static Path remoteData;

    static PlatformServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = PlatformServer.start(ServerConfig.defaults().withPort(0).withDataDir(data), line -> { });
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String baseUrl() {
        return "http://localhost:" + server.port() + "/v1";
    }

    static String apiChat(Http on, String mode) {
        HttpResponse<String> r = on.post("/api/chat", "{\"message\": \"" + QUESTION + "\", \"mode\": \"" + mode + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r).path("answer").asText();
    }

    @Test
    void listsTheAnswerModesAndTheBareModels() {
        JsonNode models = Http.json(http.get("/v1/models"));
        List<String> ids = new ArrayList<>();
        models.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertEquals(List.of("rag", "tuned", "hybrid", "demo-model", "demo-model+demo-adapter"), ids);
        assertEquals("list", models.path("object").asText());
    }

    @Test
    void langChain4jsOpenAiClientGetsTheSameAnswerAsTheNativeApi() throws Exception {
        String expected = apiChat(http, "hybrid");
        assertFalse(expected.isBlank());
        OpenAiChatModel client = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("unused").modelName("hybrid")
                .maxRetries(0).build();
        assertEquals(expected, client.chat(QUESTION));

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(baseUrl()).apiKey("unused")
                .modelName("hybrid").build();
        List<String> pieces = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(QUESTION, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                pieces.add(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(2, TimeUnit.MINUTES);
        assertTrue(pieces.size() > 1, "streamed in pieces: " + pieces);
        assertEquals(expected, String.join("", pieces).strip());
        assertEquals(expected, response.aiMessage().text().strip());
    }

    @Test
    void completionsCarryTheCitationsAndRefuseUnknownModelsAndBadBodies() {
        HttpResponse<String> ok = http.post("/v1/chat/completions",
                "{\"model\": \"rag\", \"messages\": [{\"role\": \"user\", \"content\": \"" + QUESTION + "\"}]}");
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode body = Http.json(ok);
        assertEquals("chat.completion", body.path("object").asText());
        assertEquals("assistant", body.path("choices").get(0).path("message").path("role").asText());
        assertEquals("wren-lamp", body.path("citations").get(0).path("docId").asText(), body.toString());

        HttpResponse<String> unknown = http.post("/v1/chat/completions",
                "{\"model\": \"gpt-4\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertEquals(404, unknown.statusCode());
        JsonNode error = Http.json(unknown).path("error");
        assertTrue(error.path("message").asText().contains("gpt-4"), unknown.body());
        assertEquals("model_not_found", error.path("code").asText(), unknown.body());
        assertEquals("invalid_request_error", error.path("type").asText(), unknown.body());
        assertEquals(404, http.get("/v1/nothing").statusCode());
        assertEquals("not_found", Http.json(http.get("/v1/nothing")).path("error").path("code").asText());
        assertEquals(400, http.post("/v1/chat/completions", "{\"model\": \"rag\", \"messages\": []}").statusCode());
        assertEquals(400, http.post("/v1/chat/completions", "{\"model\": \"rag\", \"messages\": [{\"role\": \"robot\", "
                + "\"content\": \"hi\"}]}").statusCode());
        assertEquals(400, http.post("/v1/chat/completions", "{not json").statusCode());
    }

    static JsonNode complete(String body) {
        HttpResponse<String> r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r);
    }

    static String content(JsonNode completion) {
        return completion.path("choices").get(0).path("message").path("content").asText();
    }

    @Test
    void stopSequencesAndLogitBiasChangeWhatTheModelSays() throws Exception {
        String ask = "\"model\": \"demo-model\", \"messages\": [{\"role\": \"user\", \"content\": \"" + QUESTION + "\"}]";
        JsonNode free = complete("{" + ask + ", \"max_tokens\": 24}");
        String text = content(free);
        String[] words = text.split(" ");
        assertTrue(words.length >= 3, text);
        // a stop sequence: the answer ends right before it
        JsonNode stopped = complete("{" + ask + ", \"max_tokens\": 24, \"stop\": [\" " + words[2] + "\"]}");
        assertEquals(text.substring(0, text.indexOf(" " + words[2])).strip(), content(stopped));
        assertEquals("stop", stopped.path("choices").get(0).path("finish_reason").asText());
        // logit_bias -100 on the first token of the greedy answer: another first token
        var tokenizer = TextTokenizer.load(DemoModel.folder());
        long first = tokenizer.encode(text)[0];
        JsonNode banned = complete("{" + ask + ", \"max_tokens\": 24, \"logit_bias\": {\"" + first + "\": -100}}");
        assertTrue(tokenizer.encode(content(banned)).length > 0);
        assertTrue(tokenizer.encode(content(banned))[0] != first, content(banned) + " vs " + text);
        // a bias outside the vocabulary is the client's mistake
        HttpResponse<String> outside = http.post("/v1/chat/completions", "{" + ask + ", \"logit_bias\": {\"99999999\": 1}}");
        assertEquals(400, outside.statusCode(), outside.body());
        assertEquals("invalid_request_error", Http.json(outside).path("error").path("type").asText());
    }

    @Test
    void langChain4jsClientReadsUsageAndALengthCut() {
        OpenAiChatModel client = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("unused").modelName("demo-model")
                .maxTokens(3).maxRetries(0).build();
        ChatResponse r = client.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from(QUESTION)).build());
        assertEquals(dev.langchain4j.model.output.FinishReason.LENGTH, r.finishReason());
        assertEquals(3, r.tokenUsage().outputTokenCount());
        assertTrue(r.tokenUsage().inputTokenCount() > 5, r.tokenUsage().toString());
        OpenAiChatModel wrong = OpenAiChatModel.builder().baseUrl(baseUrl()).apiKey("unused").modelName("demo-model")
                .temperature(7.0).maxRetries(0).build();
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> wrong.chat(QUESTION));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void aPlatformWithARemoteModelRetrievesHereAndGeneratesThere() {
        DemoDocs.copyTo(remoteData.resolve("docs"));
        ServerConfig remote = ServerConfig.defaults().withPort(0).withDataDir(remoteData)
                .withRemote(new RemoteModel(baseUrl(), null, "demo-model", "demo-model+demo-adapter"));
        try (PlatformServer front = PlatformServer.start(remote, line -> { })) {
            Http frontHttp = new Http(front.port());
            // the same documents, the same retrieval, the same prompt: the remote model answers as the local one
            assertEquals(apiChat(http, "tuned"), apiChat(frontHttp, "tuned"));
            for (String mode : List.of("rag", "hybrid")) {
                // with passages, what the remote bare model answers to that very prompt (a bare model reads the
                // prompt as it is; the local copy pointer is for grounded requests only)
                JsonNode answered = Http.json(frontHttp.post("/api/chat", "{\"message\": \"" + QUESTION + "\", \"mode\": \"" + mode + "\"}"));
                // the prompt lists the passages in retrieval order (by score); citations put the one answered from first
                List<JsonNode> cited = new java.util.ArrayList<>();
                answered.path("citations").forEach(cited::add);
                cited.sort(java.util.Comparator.comparingDouble((JsonNode c) -> c.path("score").asDouble()).reversed());
                List<String> passages;
                try (var index = ai.hybridchat.retrieval.LuceneChunkIndex.openReadOnly(remoteData.resolve("index"), null)) {
                    passages = cited.stream().map(c -> index.chunks(c.path("docId").asText()).stream()
                            .filter(ch -> ch.id().equals(c.path("chunkId").asText())).findFirst().orElseThrow().text()).toList();
                }
                String prompt = ai.hybridchat.core.prompt.RagPrompt.userMessage(QUESTION, passages);
                String model = mode.equals("rag") ? "demo-model" : "demo-model+demo-adapter";
                var json = new com.fasterxml.jackson.databind.ObjectMapper();
                var request = json.createObjectNode().put("model", model);
                request.putArray("messages").addObject().put("role", "user").put("content", prompt);
                JsonNode direct = Http.json(http.post("/v1/chat/completions", request.toString()));
                assertEquals(direct.path("choices").get(0).path("message").path("content").asText().strip(),
                        answered.path("answer").asText(), mode);
            }
            JsonNode reply = Http.json(frontHttp.post("/api/chat", "{\"message\": \"" + QUESTION + "\", \"mode\": \"hybrid\"}"));
            assertEquals("demo-model+demo-adapter", reply.path("adapter").asText(), reply.toString());
            assertEquals("wren-lamp", reply.path("citations").get(0).path("docId").asText(), reply.toString());
        }
    }
}
