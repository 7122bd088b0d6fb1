package ai.hybridchat.server.cli;

import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.TokenScores;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform score}: the log-probability the model gives each token of a text given the
 * tokens before it, in one forward pass; the first token has none. Prints JSON with the
 * per-token values, their sum and mean, and the perplexity {@code exp(-mean)}.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Per-token log-probabilities of a text under a local model (and adapter), as JSON.")
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "Text to score, encoded as it is (no chat template).")
        String text;

        @Option(names = "--token-ids", paramLabel = "IDS", split = ",", converter = Converters.TokenIdConverter.class,
                description = "Token ids to score, e.g. 1,2,3.")
        long[] tokenIds;
    }

    @Override
    public Integer call() throws IOException {
        try (ModelOptions.Loaded loaded = modelOptions.load()) {
            LocalLanguageModel model = loaded.model();
            if (input.tokenIds == null && !model.hasTokenizer()) {
                throw new IllegalArgumentException(modelOptions.model + " has no tokenizer.json: give --token-ids");
            }
            long[] ids = input.tokenIds != null ? input.tokenIds : model.tokenizer().encode(input.text);
            float[] logprobs = TokenScores.logprobs(model.model(), ids);
            List<Map<String, Object>> tokens = new ArrayList<>();
            double sum = 0;
            for (int i = 0; i < ids.length; i++) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("id", ids[i]);
                t.put("text", model.hasTokenizer() ? model.tokenizer().decodeRaw(new long[] {ids[i]}) : null);
                t.put("logprob", i == 0 ? null : (double) logprobs[i - 1]);
                if (i > 0) {
                    sum += logprobs[i - 1];
                }
                tokens.add(t);
            }
            double mean = sum / (ids.length - 1);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("model", model.name());
            body.put("adapter", model.adapterName());
            body.put("tokens", tokens);
            body.put("sumLogprob", sum);
            body.put("meanLogprob", mean);
            body.put("perplexity", Math.exp(-mean));
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(body));
            return 0;
        }
    }

    /** {@code log p(ids[i+1] | ids[0..i])} for i = 0..n-2. */
}
