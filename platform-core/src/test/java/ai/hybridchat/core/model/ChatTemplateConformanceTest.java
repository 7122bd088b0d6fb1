package ai.hybridchat.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outside truth for chat templates: 14 published templates (Qwen2.5, Qwen3, Llama 3/3.1/3.2,
 * SmolLM2, TinyLlama, Mistral Nemo and v0.1, Phi-3/3.5, Gemma 2/3, the demo), each rendered for 13
 * conversations by Python's jinja2 exactly as transformers' {@code apply_chat_template} renders them
 * ({@code chat-templates/render_reference.py}; the templates' sources and hashes are in
 * {@code chat-templates/SOURCES.md}). Every render must be byte-identical, and every conversation
 * a template rejects must be rejected, with the template's own message where it raised one.
 */
class ChatTemplateConformanceTest {
    static final Path DIR = Path.of("src/test/resources/chat-templates");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The reference renders fixed strftime_now at this day. */
    static final Clock REFERENCE_DAY = Clock.fixed(Instant.parse("2026-07-26T00:00:00Z"), ZoneOffset.UTC);

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : JSON.readTree(DIR.resolve("expected/index.json").toFile()).path("cases")) {
            out.add(Arguments.of(c.path("template").asText(), c.path("conversation").asText(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void rendersAsHuggingFaceDoes(String template, String conversation, JsonNode expected) throws IOException {
        Map<String, Object> tokens = JSON.readValue(DIR.resolve(template + ".tokens.json").toFile(), new TypeReference<>() { });
        ChatTemplate chat = new ChatTemplate(Files.readString(DIR.resolve(template + ".jinja"), StandardCharsets.UTF_8), tokens,
                REFERENCE_DAY);
        JsonNode conv = null;
        for (JsonNode c : JSON.readTree(DIR.resolve("conversations.json").toFile())) {
            conv = c.path("name").asText().equals(conversation) ? c : conv;
        }
        List<Object> messages = JSON.convertValue(conv.path("messages"), new TypeReference<>() { });
        List<Object> tools = conv.has("tools") ? JSON.convertValue(conv.path("tools"), new TypeReference<>() { }) : null;
        boolean generation = conv.path("add_generation_prompt").asBoolean();
        Path file = DIR.resolve("expected").resolve(expected.path("file").asText());
        // prefill: the conversation's final assistant message continued, as continue_final_message=True cuts it
        String continued = conv.path("continue_final_message").asBoolean()
                ? conv.path("messages").get(conv.path("messages").size() - 1).path("content").asText() : null;
        java.util.function.Supplier<String> render = () -> continued == null ? chat.render(messages, generation, tools, null)
                : PromptEncoder.continueFinalMessage(chat.render(messages, generation, tools, null), continued);
        if (expected.path("status").asText().equals("ok")) {
            assertEquals(Files.readString(file, StandardCharsets.UTF_8), render.get());
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, render::get);
        if (expected.path("exception").asText().contains("TemplateError")) {
            assertEquals("chat template rejected the conversation: " + Files.readString(file, StandardCharsets.UTF_8),
                    e.getMessage());
        } else {
            assertTrue(e.getMessage().startsWith("chat template failed: "), e.getMessage());
        }
    }
}
