package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.api.ApiException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code /v1/chat/completions} accepts, and the 400 (with OpenAI's {@code param}) for what it does not. */
class OpenAiChatRequestTest {
    private static final String USER = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    private static OpenAiChatRequest parse(String extra) {
        return OpenAiChatRequest.parse("{\"model\": \"demo-model\", " + USER + (extra.isEmpty() ? "" : ", " + extra) + "}");
    }

    @Test
    void everySamplingParameterReachesTheModelsParameters() {
        OpenAiChatRequest r = parse("\"max_tokens\": 9, \"temperature\": 0.7, \"top_p\": 0.9, \"top_k\": 5, \"seed\": 3, "
                + "\"presence_penalty\": 0.5, \"frequency_penalty\": -0.25, \"stop\": [\"\\n\", \"END\"], "
                + "\"logit_bias\": {\"17\": -100, \"3\": 2.4}, \"n\": 1, \"user\": \"u1\", \"store\": false, \"logprobs\": false");
        OpenAiChatRequestParameters p = r.parameters();
        assertEquals(9, p.maxOutputTokens());
        assertEquals(0.7, p.temperature());
        assertEquals(0.9, p.topP());
        assertEquals(5, p.topK());
        assertEquals(3, p.seed());
        assertEquals(0.5, p.presencePenalty());
        assertEquals(-0.25, p.frequencyPenalty());
        assertEquals(List.of("\n", "END"), p.stopSequences());
        assertEquals(Map.of("17", -100, "3", 2), p.logitBias());
        assertEquals("demo-model", r.model());
    }

    @Test
    void maxCompletionTokensWinsOverTheDeprecatedMaxTokens() {
        assertEquals(4, parse("\"max_tokens\": 9, \"max_completion_tokens\": 4").parameters().maxOutputTokens());
        assertEquals("x", parse("\"stop\": \"x\"").parameters().stopSequences().get(0));
        assertNull(parse("").parameters().maxOutputTokens(), "unset: the model's own default");
    }

    @Test
    void streamOptionsNeedAStream() {
        assertTrue(parse("\"stream\": true, \"stream_options\": {\"include_usage\": true}").includeUsage());
        assertEquals("stream_options", refused("\"stream_options\": {\"include_usage\": true}").param());
    }

    @Test
    void readsEveryRoleContentNullAndTextParts() {
        OpenAiChatRequest r = OpenAiChatRequest.parse("{\"model\": \"m\", \"messages\": ["
                + "{\"role\": \"developer\", \"content\": \"be brief\"},"
                + "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"text\", \"text\": \"b\"}]},"
                + "{\"role\": \"assistant\", \"content\": null},"
                + "{\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"42\"},"
                + "{\"role\": \"assistant\", \"content\": \"The answer is\"}]}");
        assertInstanceOf(SystemMessage.class, r.messages().get(0));
        assertEquals("ab", ((UserMessage) r.messages().get(1)).singleText());
        assertEquals("", ((AiMessage) r.messages().get(2)).text());
        assertEquals("42", ((ToolExecutionResultMessage) r.messages().get(3)).text());
        assertEquals("The answer is", ((AiMessage) r.last()).text(), "a final assistant message is kept: prefill");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"temperature\": 2.01 | temperature",
        "\"temperature\": -0.1 | temperature",
        "\"temperature\": \"hot\" | temperature",
        "\"top_p\": 1.5 | top_p",
        "\"presence_penalty\": 2.5 | presence_penalty",
        "\"frequency_penalty\": -3 | frequency_penalty",
        "\"max_tokens\": 0 | max_tokens",
        "\"max_completion_tokens\": 1.5 | max_completion_tokens",
        "\"n\": 2 | n",
        "\"n\": 0 | n",
        "\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"] | stop",
        "\"stop\": [\"\"] | stop",
        "\"stop\": 5 | stop",
        "\"seed\": \"s\" | seed",
        "\"logit_bias\": {\"12\": 101} | logit_bias",
        "\"logit_bias\": {\"word\": 1} | logit_bias",
        "\"logprobs\": true | logprobs",
        "\"top_logprobs\": 3 | top_logprobs",
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}] | tools",
        "\"tool_choice\": \"required\" | tool_choice",
        "\"functions\": [{\"name\": \"f\"}] | functions",
        "\"response_format\": {\"type\": \"json_object\"} | response_format",
        "\"modalities\": [\"text\", \"audio\"] | modalities",
        "\"audio\": {\"voice\": \"alloy\"} | audio",
        "\"reasoning_effort\": \"high\" | reasoning_effort",
        "\"stream\": \"yes\" | stream",
        "\"best_of\": 2 | best_of",
    })
    void refusesWithTheParameterNamed(String extra, String param) {
        ApiException e = refused(extra);
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
    }

    @Test
    void theModelAndTheMessagesAreRequired() {
        assertEquals("model", assertThrows(ApiException.class, () -> OpenAiChatRequest.parse("{" + USER + "}")).param());
        assertEquals("model", assertThrows(ApiException.class, () -> OpenAiChatRequest.parse("{\"model\": 7, " + USER + "}")).param());
        assertEquals("messages", assertThrows(ApiException.class, () -> OpenAiChatRequest.parse("{\"model\": \"m\"}")).param());
        assertEquals("messages", assertThrows(ApiException.class,
                () -> OpenAiChatRequest.parse("{\"model\": \"m\", \"messages\": []}")).param());
        assertEquals("messages[0].role", assertThrows(ApiException.class,
                () -> OpenAiChatRequest.parse("{\"model\": \"m\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}")).param());
        assertEquals("messages[0].content", assertThrows(ApiException.class,
                () -> OpenAiChatRequest.parse("{\"model\": \"m\", \"messages\": [{\"role\": \"user\"}]}")).param());
        assertEquals("messages[0].content", assertThrows(ApiException.class, () -> OpenAiChatRequest.parse(
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", "
                        + "\"image_url\": {\"url\": \"x\"}}]}]}")).param());
        assertEquals("messages[0].tool_calls", assertThrows(ApiException.class, () -> OpenAiChatRequest.parse(
                "{\"model\": \"m\", \"messages\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": "
                        + "[{\"id\": \"c\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}]}")).param());
        assertEquals("messages[0].tool_call_id", assertThrows(ApiException.class, () -> OpenAiChatRequest.parse(
                "{\"model\": \"m\", \"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}")).param());
        assertEquals(400, assertThrows(ApiException.class, () -> OpenAiChatRequest.parse("{not json")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> OpenAiChatRequest.parse(
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"\\ud800\"}]}")).status());
    }

    private static ApiException refused(String extra) {
        return assertThrows(ApiException.class, () -> parse(extra));
    }
}
