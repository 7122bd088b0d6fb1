package ai.hybridchat.tuning.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.testing.TinyBase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt tuning on the bundled pretrained demo model (a random tiny model has no attention worth
 * steering: its virtual tokens barely reach the output). Only the virtual tokens train; they
 * change the answers and the base file stays byte-identical.
 */
class PromptTuningOnTheDemoModelTest {
    static final List<String[]> PAIRS = TinyBase.PAIRS;

    @TempDir Path dir;

    @Test
    void virtualTokensLowerTheLossAndChangeTheAnswersOfAFrozenBase() throws Exception {
        Path base = DemoModel.copyTo(dir.resolve("demo-model"));
        byte[] before = Files.readAllBytes(base.resolve("model.safetensors"));
        Path data = dir.resolve("pairs.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String[] p : PAIRS) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("prompt", p[0], "completion", p[1]))).append('\n');
        }
        Files.writeString(data, sb.toString());
        Path out = dir.resolve("prompt");
        List<Double> losses = new ArrayList<>();
        TuneOptions options = TuneOptionsBuilder.of("prompt-tuning", base, data, out).steps(120).batchSize(4)
                .learningRate(1e-1)
                .methodOptions(TuneOptions.MethodOptions.DEFAULTS.withPromptTuning(16, "Answer the question in one short sentence."))
                .build();
        new Tuner(report -> losses.add(report.loss())).run(options, null);
        double first = losses.get(0);
        double last = losses.get(losses.size() - 1);
        assertTrue(last < 0.75 * first, "loss " + first + " -> " + last);
        assertArrayEquals(before, Files.readAllBytes(base.resolve("model.safetensors")), "the base changed");

        JsonNode config = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("PROMPT_TUNING", config.get("peft_type").asText());
        assertEquals("TEXT", config.get("prompt_tuning_init").asText());
        assertEquals(16, config.get("num_virtual_tokens").asInt());
        JsonNode meta = Json.MAPPER.readTree(out.resolve("training.json").toFile());
        assertEquals(16, meta.get("hyperparameters").get("num_virtual_tokens").asInt());

        int changed = 0;
        try (LocalLanguageModel plain = LocalLanguageModel.load(base); LocalLanguageModel tuned = plain.withAdapter(out)) {
            for (String[] p : PAIRS) {
                changed += answer(plain, p[0]).equals(answer(tuned, p[0])) ? 0 : 1;
            }
        }
        assertEquals(PAIRS.size(), changed, "every answer changes with the virtual tokens");
    }

    /** As {@code platform generate --prompt TEXT --max-new-tokens 16}: the model's defaults, 16 new tokens. */
    private static String answer(LocalLanguageModel model, String prompt) {
        GenerationConfig d = model.defaults();
        GenerationConfig config = new GenerationConfig(16, d.temperature(), d.topK(), d.topP(), d.repetitionPenalty(),
                d.seed(), d.stopStrings());
        return model.chat(List.of(new ChatTemplate.Message("user", prompt)), config, null, null).text();
    }
}
