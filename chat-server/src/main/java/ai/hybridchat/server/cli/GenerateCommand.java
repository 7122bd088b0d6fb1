package ai.hybridchat.server.cli;

import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform generate}: one completion from a local model, for people ({@code text}),
 * scripts ({@code json}) and comparisons against other implementations ({@code ids}: the new
 * token ids as a JSON array and nothing else). Sampling settings default to the model's
 * {@code generation_config.json}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate text with a local model (and adapter).")
final class GenerateCommand implements Callable<Integer> {
    enum Output { TEXT, IDS, JSON }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT",
                description = "The prompt; sent as a user message through the chat template unless --raw.")
        String prompt;

        @Option(names = "--token-ids", paramLabel = "IDS", split = ",", converter = Converters.TokenIdConverter.class,
                description = "The prompt as token ids, e.g. 1,2,3 (no chat template).")
        long[] tokenIds;
    }

    @Option(names = "--raw", description = "Encode --prompt as it is, without the chat template "
            + "(control-token strings in it are control tokens: the prompt is yours).")
    boolean raw;

    @Option(names = "--parse-special", description = "Read control-token strings (<|im_end|>, </s>, ...) inside "
            + "--prompt as control tokens, as Hugging Face does; by default message text is data.")
    boolean parseSpecial;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Longest continuation in tokens.")
    Integer maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 is greedy.")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K likeliest tokens (0: all).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling threshold in (0, 1].")
    Double topP;

    @Option(names = "--repetition-penalty", paramLabel = "R", description = "CTRL repetition penalty (1: none).")
    Double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed.")
    Long seed;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, ids (JSON array of new token ids) or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    public Integer call() throws IOException {
        if (raw && input.prompt == null) {
            throw new IllegalArgumentException("--raw applies to --prompt only");
        }
        settings(GenerationConfig.greedy(1)); // validates the flags before the slow load
        try (ModelOptions.Loaded loaded = modelOptions.load()) {
            LocalLanguageModel model = loaded.model();
            if (!model.hasTokenizer() && (input.tokenIds == null || output == Output.TEXT)) {
                throw new IllegalArgumentException(modelOptions.model + " has no tokenizer.json: give --token-ids and "
                        + "--output ids or json");
            }
            GenerationConfig config = settings(model.defaults());
            long[] prompt = input.tokenIds != null ? input.tokenIds
                    : raw ? model.tokenizer().encode(input.prompt)
                    : parseSpecial ? model.prompts().encodeTrusted(List.of(new ChatTemplate.Message("user", input.prompt)), true)
                    : model.encodePrompt(List.of(new ChatTemplate.Message("user", input.prompt)));
            PrintWriter out = spec.commandLine().getOut();
            Generator.TokenListener listener = output == Output.TEXT ? piece -> {
                out.print(piece);
                out.flush();
            } : null;
            Generator.Result result = model.generateIds(prompt, config, listener, null);
            switch (output) {
                case TEXT -> out.println();
                case IDS -> out.println(new ObjectMapper().writeValueAsString(result.tokenIds()));
                case JSON -> out.println(new ObjectMapper().writeValueAsString(json(model, result)));
            }
            return 0;
        }
    }

    GenerationConfig settings(GenerationConfig d) {
        return new GenerationConfig(
                maxNewTokens != null ? maxNewTokens : d.maxNewTokens(),
                temperature != null ? temperature : d.temperature(),
                topK != null ? topK : d.topK(),
                topP != null ? topP : d.topP(),
                repetitionPenalty != null ? repetitionPenalty : d.repetitionPenalty(),
                seed != null ? seed : d.seed(),
                d.stopStrings());
    }

    private static Map<String, Object> json(LocalLanguageModel model, Generator.Result r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", model.hasTokenizer() ? r.text() : null);
        body.put("tokenIds", r.tokenIds());
        body.put("promptTokens", r.promptTokens());
        body.put("newTokens", r.tokenIds().length);
        body.put("finishReason", r.finishReason().name().toLowerCase(Locale.ROOT));
        body.put("model", model.name());
        body.put("adapter", model.adapterName());
        body.put("prefillMs", r.prefillNanos() / 1e6);
        body.put("decodeMs", r.decodeNanos() / 1e6);
        body.put("tokensPerSecond", r.decodeNanos() > 0 ? r.tokenIds().length / (r.decodeNanos() / 1e9) : 0.0);
        return body;
    }
}
