package ai.hybridchat.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.PromptEncoder;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.TinyModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code platform chat-template}: what a model reads, against jinja2's renders and the serving encoder. */
class ChatTemplateCommandTest {
    static final Path TEMPLATES = Path.of("../platform-core/src/test/resources/chat-templates");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A model folder holding only the tokenizer_config.json of a published template. */
    private Path folderWith(String template) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(TEMPLATES.resolve(template + ".tokens.json").toFile());
        config.put("chat_template", Files.readString(TEMPLATES.resolve(template + ".jinja"), StandardCharsets.UTF_8));
        Path folder = Files.createDirectories(dir.resolve(template));
        JSON.writeValue(folder.resolve("tokenizer_config.json").toFile(), config);
        return folder;
    }

    private Path messages(String conversation) throws IOException {
        for (JsonNode c : JSON.readTree(TEMPLATES.resolve("conversations.json").toFile())) {
            if (c.path("name").asText().equals(conversation)) {
                Path file = dir.resolve(conversation + ".json");
                JSON.writeValue(file.toFile(), c.path("messages"));
                return file;
            }
        }
        throw new IllegalArgumentException(conversation);
    }

    @Test
    void theTextIsWhatHuggingFaceRendersAndNeedsOnlyTheTokenizerConfig() throws IOException {
        Cli.Result r = Cli.run("chat-template", "--model", folderWith("qwen2_5").toString(), "--messages",
                messages("b_system_multi_gen").toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(Files.readString(TEMPLATES.resolve("expected/qwen2_5__b_system_multi_gen.txt"), StandardCharsets.UTF_8), r.out());

        Cli.Result noPrompt = Cli.run("chat-template", "--model", folderWith("llama3").toString(), "--messages",
                messages("c_system_multi_nogen").toString(), "--no-generation-prompt");
        assertEquals(Files.readString(TEMPLATES.resolve("expected/llama3__c_system_multi_nogen.txt"), StandardCharsets.UTF_8),
                noPrompt.out());
    }

    @Test
    void idsAreWhatServingEncodes() throws IOException {
        Path file = dir.resolve("m.json");
        Files.writeString(file, "[{\"role\":\"user\",\"content\":\"Who designed the Wren lamp? <|end|>\"}]");
        Cli.Result r = Cli.run("chat-template", "--model", TinyModel.model().toString(), "--messages", file.toString(), "--output", "ids");
        assertEquals(0, r.code(), r.toString());
        try (TextTokenizer tokenizer = TextTokenizer.load(TinyModel.model())) {
            long[] expected = PromptEncoder.of(tokenizer).encode(
                    List.of(new ChatTemplate.Message("user", "Who designed the Wren lamp? <|end|>")), true);
            assertEquals(Arrays.stream(expected).mapToObj(Long::toString).collect(Collectors.joining(",")), r.out().strip());
        }
    }

    @Test
    void aConversationTheTemplateRejectsIsAOneLineError() throws IOException {
        Cli.Result r = Cli.run("chat-template", "--model", folderWith("gemma2").toString(), "--messages",
                messages("b_system_multi_gen").toString());
        assertTrue(r.code() != 0, r.toString());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains("System role not supported"), r.err());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"role\":\"user\"}");
        Cli.Result notArray = Cli.run("chat-template", "--model", folderWith("qwen2_5").toString(), "--messages", bad.toString());
        assertTrue(notArray.code() != 0 && notArray.err().contains("must hold a JSON array"), notArray.toString());
    }
}
