package ai.hybridchat.server.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.server.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompt tuning through the CLI on the bundled pretrained demo model (a random tiny model has no
 * attention worth steering: its virtual tokens barely reach the output). Only the virtual tokens
 * train; they change the answers and the base file stays byte-identical.
 */
class PromptTuningOnTheDemoModelTest {
    static final List<String[]> PAIRS = List.of(
            new String[] {"Who keeps the list of packages?", "The package manager keeps it."},
            new String[] {"Where are files stored?", "Files are stored in directories."},
            new String[] {"What does a backup do?", "A backup copies important files."},
            new String[] {"Who can create new users?", "The administrator can create users."});

    @TempDir Path dir;

    @Test
    void virtualTokensLowerTheLossAndChangeTheAnswersOfAFrozenBase() throws Exception {
        Path base = DemoBundle.extractModel(dir.resolve("demo"));
        byte[] before = Files.readAllBytes(base.resolve("model.safetensors"));
        Path data = dir.resolve("pairs.jsonl");
        StringBuilder sb = new StringBuilder();
        for (String[] p : PAIRS) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("prompt", p[0], "completion", p[1]))).append('\n');
        }
        Files.writeString(data, sb.toString());
        Path out = dir.resolve("prompt");
        Cli.Result tune = Cli.run("tune", "--method", "prompt-tuning", "--base", base.toString(), "--data", data.toString(),
                "--out", out.toString(), "--steps", "120", "--batch", "4", "--lr", "1e-1", "--num-virtual-tokens", "16",
                "--prompt-init", "Answer the question in one short sentence.", "--progress", "json");
        assertEquals(0, tune.code(), tune.toString());
        List<JsonNode> steps = new ArrayList<>();
        for (String line : tune.out().split("\n")) {
            JsonNode event = Json.MAPPER.readTree(line);
            if (event.path("event").asText().equals("step")) {
                steps.add(event);
            }
        }
        double first = steps.get(0).get("loss").asDouble();
        double last = steps.get(steps.size() - 1).get("loss").asDouble();
        assertTrue(last < 0.75 * first, "loss " + first + " -> " + last);
        assertArrayEquals(before, Files.readAllBytes(base.resolve("model.safetensors")), "the base changed");

        JsonNode config = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("PROMPT_TUNING", config.get("peft_type").asText());
        assertEquals("TEXT", config.get("prompt_tuning_init").asText());
        assertEquals(16, config.get("num_virtual_tokens").asInt());
        JsonNode meta = Json.MAPPER.readTree(out.resolve("training.json").toFile());
        assertEquals(16, meta.get("hyperparameters").get("num_virtual_tokens").asInt());

        int changed = 0;
        for (String[] p : PAIRS) {
            String plain = generate(base, null, p[0]);
            String tuned = generate(base, out, p[0]);
            changed += plain.equals(tuned) ? 0 : 1;
        }
        assertEquals(PAIRS.size(), changed, "every answer changes with the virtual tokens");
    }

    private static String generate(Path base, Path adapter, String prompt) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", base.toString(), "--prompt", prompt,
                "--max-new-tokens", "16", "--output", "text"));
        if (adapter != null) {
            args.addAll(List.of("--adapter", adapter.toString()));
        }
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        return r.out();
    }
}
