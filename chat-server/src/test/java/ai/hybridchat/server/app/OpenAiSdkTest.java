package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.PromptEncoder;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible API as the official OpenAI SDK for JavaScript (npm {@code openai}, installed
 * by {@code .ci/openai-sdk}) sees it: models, blocking and streaming completions with usage,
 * {@code finish_reason} length, seeded sampling, prefill, a conversation with a system message,
 * and the SDK's typed errors (status, type, param, code), of streamed requests too. The token counts
 * are checked against the demo model's own tokenizer and chat template.
 */
class OpenAiSdkTest {
    static final Path SDK = Path.of("../.ci/artifacts/openai-sdk/node_modules");
    static final Path SCRIPT = Path.of("src/test/resources/openai-sdk/check.cjs");
    static final Path DEMO_MODEL = DemoModel.folder();
    static final String QUESTION = "How much does a Wren lamp cost?";

    @TempDir
    static Path data;
    static PlatformServer server;
    static JsonNode out;

    @BeforeAll
    static void runTheSdk() throws Exception {
        boolean present = Files.isRegularFile(SDK.resolve("openai/package.json"));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("the openai npm package is missing in " + SDK + ": run .ci/openai-sdk");
        }
        assumeTrue(present, "the openai npm package is not installed (run .ci/openai-sdk)");
        server = PlatformServer.start(ServerConfig.defaults().withPort(0).withDataDir(data), line -> { });
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString(), "http://localhost:" + server.port() + "/v1", QUESTION);
        pb.environment().put("NODE_PATH", SDK.toAbsolutePath().toString());
        pb.redirectErrorStream(false);
        Path stdout = Files.createTempFile(data, "sdk", ".out");
        Path stderr = Files.createTempFile(data, "sdk", ".err");
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the SDK script finished");
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "check.cjs: " + err);
        out = new ObjectMapper().readTree(Files.readString(stdout, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static PromptEncoder demoPrompts() throws IOException {
        return PromptEncoder.of(TextTokenizer.load(DEMO_MODEL));
    }

    @Test
    void listsAndRetrievesModelsAndRaisesNotFound() {
        List<String> ids = new ObjectMapper().convertValue(out.path("models"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertEquals(List.of("rag", "tuned", "hybrid", "demo-model", "demo-model+demo-adapter"), ids);
        assertEquals("demo-model", out.path("retrieved").asText());
        assertError(out.path("missingModel"), "NotFoundError", 404, "model", "model_not_found");
    }

    @Test
    void blockingAndStreamingGiveTheNativeAnswerWithTheSameUsage() {
        String expected = Http.json(new Http(server.port()).post("/api/chat",
                "{\"message\": \"" + QUESTION + "\", \"mode\": \"hybrid\"}")).path("answer").asText();
        JsonNode blocking = out.path("blocking");
        assertEquals(expected, blocking.path("content").asText());
        assertEquals("stop", blocking.path("finish").asText());
        assertEquals("wren-lamp", blocking.path("citations").get(0).path("docId").asText());
        JsonNode usage = blocking.path("usage");
        assertTrue(usage.path("prompt_tokens").asInt() > 100, "the prompt holds the passages: " + usage);
        assertTrue(usage.path("completion_tokens").asInt() > 0, usage.toString());
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(),
                usage.path("total_tokens").asInt());

        JsonNode streaming = out.path("streaming");
        assertEquals(expected, streaming.path("content").asText().strip());
        assertTrue(streaming.path("pieces").asInt() > 1, streaming.toString());
        assertEquals("stop", streaming.path("finish").asText());
        assertEquals(usage, streaming.path("usage"), "include_usage: the last chunk carries the request's usage");
    }

    @Test
    void usageCountsTheModelsTokensAndACutAnswerEndsInLength() throws IOException {
        JsonNode cut = out.path("cut");
        assertEquals("length", cut.path("finish").asText());
        long[] prompt = demoPrompts().encode(List.of(new ChatTemplate.Message("user", QUESTION)), true);
        assertEquals(prompt.length, cut.path("usage").path("prompt_tokens").asInt(), "prompt tokens as the template renders them");
        assertEquals(2, cut.path("usage").path("completion_tokens").asInt(), "max_completion_tokens 2");
        assertEquals(prompt.length + 2, cut.path("usage").path("total_tokens").asInt());
    }

    @Test
    void theSameSeedSamplesTheSameAnswer() {
        JsonNode seeded = out.path("seeded");
        assertFalse(seeded.get(0).asText().isBlank());
        assertEquals(seeded.get(0).asText(), seeded.get(1).asText());
    }

    @Test
    void aFinalAssistantMessageIsContinued() throws IOException {
        JsonNode prefill = out.path("prefill");
        long[] continued = demoPrompts().encodeContinuation(List.of(new ChatTemplate.Message("user", QUESTION),
                new ChatTemplate.Message("assistant", "The standard")));
        long[] fresh = demoPrompts().encode(List.of(new ChatTemplate.Message("user", QUESTION)), true);
        assertEquals(continued.length, prefill.path("usage").path("prompt_tokens").asInt(),
                "the prompt ends inside the assistant's turn, after its text");
        assertTrue(continued.length > fresh.length);
        assertFalse(prefill.path("content").asText().isBlank());
    }

    @Test
    void anAnswerModeReadsTheConversationBeforeTheQuestion() {
        JsonNode conversation = out.path("conversation");
        JsonNode alone = out.path("alone");
        assertFalse(conversation.path("content").asText().isBlank());
        int system = conversation.path("usage").path("prompt_tokens").asInt();
        int bare = alone.path("usage").path("prompt_tokens").asInt();
        assertTrue(system > bare + 10, "system message and earlier turns are in the prompt: " + system + " vs " + bare);
    }

    @Test
    void errorsAreTheSdksTypedErrors() {
        JsonNode errors = out.path("errors");
        assertError(errors.path("noModel"), "BadRequestError", 400, "model", "invalid_parameter");
        assertError(errors.path("unknownModel"), "NotFoundError", 404, "model", "model_not_found");
        assertError(errors.path("temperature"), "BadRequestError", 400, "temperature", "invalid_parameter");
        assertError(errors.path("tools"), "BadRequestError", 400, "tools", "invalid_parameter");
        assertError(errors.path("n"), "BadRequestError", 400, "n", "invalid_parameter");
        // a streamed request over the context: found before the stream opens, so a plain 400 as when not streamed
        assertError(errors.path("streamedTooLong"), "BadRequestError", 400, "messages", "context_length_exceeded");
        assertTrue(errors.path("streamedTooLong").path("message").asText().contains("context"), errors.toString());
    }

    private static void assertError(JsonNode e, String sdkClass, int status, String param, String code) {
        assertTrue(e.path("thrown").asBoolean(), e.toString());
        assertTrue(e.path("isApiError").asBoolean(), e.toString());
        assertEquals(sdkClass, e.path("sdkClass").asText(), e.toString());
        assertEquals(status, e.path("status").asInt(), e.toString());
        assertEquals("invalid_request_error", e.path("type").asText(), e.toString());
        assertEquals(param, e.path("param").asText(), e.toString());
        assertEquals(code, e.path("code").asText(), e.toString());
    }
}
