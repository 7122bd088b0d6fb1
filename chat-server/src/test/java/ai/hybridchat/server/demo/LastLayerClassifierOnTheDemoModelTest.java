package ai.hybridchat.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.server.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Load a pretrained model, replace the output layer, train with cross-entropy" through the CLI:
 * the bundled demo model's features, a new two-label head and its top block, scored on sentences
 * whose templates never occur in training.
 */
class LastLayerClassifierOnTheDemoModelTest {
    static final List<String> STORAGE = List.of("disk", "file", "backup", "partition", "folder", "archive");
    static final List<String> NETWORK = List.of("router", "packet", "address", "interface", "firewall", "socket");

    @TempDir Path dir;

    static Path data(Path file, List<String> templates) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String t : templates) {
            for (int i = 0; i < STORAGE.size(); i++) {
                sb.append(Json.MAPPER.writeValueAsString(Map.of("text", String.format(t, STORAGE.get(i)), "label", "storage"))).append('\n');
                sb.append(Json.MAPPER.writeValueAsString(Map.of("text", String.format(t, NETWORK.get(i)), "label", "network"))).append('\n');
            }
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    @Test
    void aNewHeadOnThePretrainedModelClassifiesHeldOutSentences() throws Exception {
        Path base = DemoBundle.extractModel(dir.resolve("demo"));
        Path train = data(dir.resolve("train.jsonl"), List.of("The %s needs attention today.", "Check the %s first.",
                "Nobody touched the %s.", "A new %s was added."));
        Path val = data(dir.resolve("val.jsonl"), List.of("Where is the %s now?", "We replaced the old %s."));
        Path out = dir.resolve("classifier");
        Cli.Result r = Cli.run("tune", "--method", "last-layer", "--base", base.toString(), "--data", train.toString(),
                "--val", val.toString(), "--out", out.toString(), "--steps", "100", "--batch", "8", "--lr", "1e-3",
                "--progress", "json");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().strip().split("\n");
        JsonNode done = Json.MAPPER.readTree(lines[lines.length - 1]);
        assertEquals("done", done.get("event").asText());
        // 20 of 24 held-out sentences or more (22 of 24 when this was written); chance is 12
        assertTrue(done.get("accuracy").asDouble() >= 20 / 24.0, "held-out accuracy " + done);
        assertTrue(done.get("macro_f1").asDouble() >= 0.8, "macro-F1 " + done);
        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("LlamaForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals(2, config.get("id2label").size());
    }
}
