package ai.hybridchat.server.cli;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.ControlTokens;
import ai.hybridchat.core.model.TextTokenizer;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform chat-template --model DIR --messages FILE [--output text|ids]}: the prompt exactly
 * as the model receives it for a JSON array of messages, so users can see what their model reads.
 * {@code text} needs only {@code tokenizer_config.json}; {@code ids} also {@code tokenizer.json},
 * and encodes as serving does (a control-token string inside a message stays text).
 */
@Command(name = "chat-template", mixinStandardHelpOptions = true,
        description = "Print the prompt a model reads for a conversation (its chat template applied).")
final class ChatTemplateCommand implements Callable<Integer> {
    enum Output { text, ids }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (tokenizer_config.json).")
    Path model;

    @Option(names = "--messages", required = true, paramLabel = "FILE",
            description = "JSON array of messages: {\"role\", \"content\", ...}.")
    Path messages;

    @Option(names = "--tools", paramLabel = "FILE", description = "JSON array of tool definitions, passed as tools.")
    Path tools;

    @Option(names = "--no-generation-prompt", description = "Leave out the assistant header that starts the answer.")
    boolean noGenerationPrompt;

    @Option(names = "--output", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (the rendered prompt) or ids (its token ids, comma-separated; default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    public Integer call() throws IOException {
        PathChecks.requireDir(model, "--model");
        PathChecks.requireExists(messages, "--messages");
        Path config = model.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(model + " has no tokenizer_config.json");
        }
        List<Object> turns = readArray(messages, "--messages");
        List<Object> toolList = tools == null ? null : readArray(tools, "--tools");
        boolean generation = !noGenerationPrompt;
        if (output == Output.text) {
            ChatTemplate template = ChatTemplate.fromConfig(Json.MAPPER.readTree(config.toFile()));
            spec.commandLine().getOut().print(template.render(turns, generation, toolList, null));
            spec.commandLine().getOut().flush();
            return 0;
        }
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            ControlTokens controls = tokenizer.controlTokens();
            List<Object> marked = new ArrayList<>();
            for (Object turn : turns) {
                Map<String, Object> m = new LinkedHashMap<>(castMap(turn));
                if (m.get("content") instanceof String s) {
                    m.put("content", controls.mark(s));
                }
                marked.add(m);
            }
            long[] ids = tokenizer.encodeRendered(ChatTemplate.from(tokenizer).render(marked, generation, toolList, null));
            StringJoiner out = new StringJoiner(",");
            for (long id : ids) {
                out.add(Long.toString(id));
            }
            spec.commandLine().getOut().println(out);
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("--messages: every message is an object with \"role\" and \"content\"");
        }
        return (Map<String, Object>) o;
    }

    private static List<Object> readArray(Path file, String option) throws IOException {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": " + file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(option + ": " + file + " must hold a JSON array");
        }
        return Json.MAPPER.convertValue(node, new TypeReference<List<Object>>() { });
    }
}
