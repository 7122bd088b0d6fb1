package ai.hybridchat.tuning.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Load a pretrained model, replace the output layer, train with cross-entropy": the bundled demo
 * model's features, a new two-label head and its top block, scored on sentences whose templates
 * never occur in training.
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
        Path base = DemoModel.folder();
        Path train = data(dir.resolve("train.jsonl"), List.of("The %s needs attention today.", "Check the %s first.",
                "Nobody touched the %s.", "A new %s was added."));
        Path val = data(dir.resolve("val.jsonl"), List.of("Where is the %s now?", "We replaced the old %s."));
        Path out = dir.resolve("classifier");
        TuningResult result = new Tuner(ProgressListener.silent()).run(TuneOptionsBuilder.of("last-layer", base, train, out)
                .validation(val).steps(100).batchSize(8).learningRate(1e-3).build(), null);
        ClassificationMetrics held = result.evaluation(ClassificationMetrics.class).orElseThrow();
        // 20 of 24 held-out sentences or more (22 of 24 when this was written); chance is 12
        assertTrue(held.accuracy() >= 20 / 24.0, "held-out accuracy " + held);
        assertTrue(held.macroF1() >= 0.8, "macro-F1 " + held);
        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("LlamaForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals(2, config.get("id2label").size());
    }
}
