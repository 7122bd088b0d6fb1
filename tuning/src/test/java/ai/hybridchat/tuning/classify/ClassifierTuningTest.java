package ai.hybridchat.tuning.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.Safetensors;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.data.DatasetException;
import ai.hybridchat.tuning.testing.TinyBase;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Last-layer tuning with a new classification head on {"text","label"} data. */
class ClassifierTuningTest {
    static final List<String> STORAGE = List.of("disk", "file", "backup", "partition", "folder", "archive");
    static final List<String> NETWORK = List.of("router", "packet", "address", "interface", "firewall", "socket");
    static final List<String> TRAIN_TEMPLATES = List.of("The %s needs attention today.", "Check the %s first.",
            "Nobody touched the %s.", "A new %s was added.");

    @TempDir Path dir;
    Path base;

    @BeforeEach
    void setUp() throws Exception {
        base = TinyBase.write(dir.resolve("base"), 1f);
    }

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

    TuneOptions options(Path train, Path val, Path out, int steps) {
        return new TuneOptions("last-layer", base, train, val, out, 1, steps, 8, 64, 3e-3, 0, 5, 0, 7,
                8, 16, 0.0, List.of("q_proj"))
                .withMethodOptions(new TuneOptions.MethodOptions("nf4", 20, null, 1));
    }

    @Test
    void aNewHeadOnTheTopBlockFitsTheLabelsAndOnlyTheTopTrains() throws Exception {
        // a random base has no features that generalise (held-out accuracy on a pretrained model is
        // tested in chat-server's LastLayerClassifierOnTheDemoModelTest); here: it fits, and what trains
        Path train = data(dir.resolve("train.jsonl"), TRAIN_TEMPLATES);
        Path out = dir.resolve("classifier");
        TuningResult result = new Tuner(ProgressListener.silent()).run(options(train, null, out, 60), null);

        assertEquals(1.0, result.evaluation(ClassificationMetrics.class).orElseThrow().accuracy(), "training accuracy " + result.evaluation(ClassificationMetrics.class).orElseThrow());
        assertEquals(48, result.evaluation(ClassificationMetrics.class).orElseThrow().examples());
        JsonNode meta = Json.MAPPER.readTree(out.resolve("training.json").toFile());
        assertEquals("train", meta.get("classification").get("split").asText());
        assertEquals(result.evaluation(ClassificationMetrics.class).orElseThrow().macroF1(), meta.get("classification").get("macro_f1").asDouble(), 1e-9);

        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("LlamaForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals("network", config.get("id2label").get("0").asText());
        assertEquals(1, config.get("label2id").get("storage").asInt());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> before = Safetensors.read(base.resolve("model.safetensors"), m);
            Map<String, NDArray> after = Safetensors.read(out.resolve("model.safetensors"), m);
            assertEquals(new Shape(2, 64), after.get("score.weight").getShape());
            // layer 0 and the embedding are frozen, layer 1 (the top block) trained
            for (String frozen : List.of("model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.down_proj.weight",
                    "model.embed_tokens.weight")) {
                assertArrayEquals(before.get(frozen).toFloatArray(), after.get(frozen).toFloatArray(), frozen);
            }
            assertFalse(Arrays.equals(before.get("model.layers.1.mlp.up_proj.weight").toFloatArray(),
                    after.get("model.layers.1.mlp.up_proj.weight").toFloatArray()), "the top block trained");
        }
    }

    @Test
    void withoutLabelsTheTopBlockAndHeadOfTheLanguageModelTrain() throws Exception {
        Path data = TinyBase.qaData(dir.resolve("qa.jsonl"), TinyBase.PAIRS);
        Path out = dir.resolve("top");
        TuningResult result = new Tuner(ProgressListener.silent()).run(options(data, null, out, 40), null);
        assertEquals(Optional.empty(), result.evaluation(ClassificationMetrics.class));
        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("LlamaForCausalLM", config.get("architectures").get(0).asText());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> before = Safetensors.read(base.resolve("model.safetensors"), m);
            Map<String, NDArray> after = Safetensors.read(out.resolve("model.safetensors"), m);
            assertArrayEquals(before.get("model.layers.0.self_attn.v_proj.weight").toFloatArray(),
                    after.get("model.layers.0.self_attn.v_proj.weight").toFloatArray());
            for (String trained : List.of("model.layers.1.self_attn.v_proj.weight", "model.embed_tokens.weight")) {
                assertFalse(Arrays.equals(before.get(trained).toFloatArray(), after.get(trained).toFloatArray()), trained);
            }
        }
    }

    @Test
    void badLabelLinesAreReportedWithTheirNumbersAndNothingIsWritten() throws Exception {
        Path train = dir.resolve("bad.jsonl");
        Files.writeString(train, "{\"text\":\"a disk\",\"label\":\"storage\"}\n{\"text\":\"a router\",\"label\":[1]}\n"
                + "{\"text\":\"\",\"label\":\"network\"}\n");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new Tuner(ProgressListener.silent()).run(options(train, null, dir.resolve("never"), 5), null));
        assertTrue(e.getMessage().contains("line 2: \"label\" must be a string or an integer"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3: \"text\" must be a non-empty string"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("never")));
    }

    @Test
    void oneLabelIsNotAClassificationTask() throws Exception {
        Path train = dir.resolve("one.jsonl");
        Files.writeString(train, "{\"text\":\"a disk\",\"label\":\"storage\"}\n{\"text\":\"a file\",\"label\":\"storage\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tuner(ProgressListener.silent()).run(options(train, null, dir.resolve("never"), 5), null));
        assertTrue(e.getMessage().contains("at least two labels"), e.getMessage());
    }

    @Test
    void macroF1AveragesThePerLabelScores() {
        // gold 0 0 1 1 2, predicted 0 1 1 1 0: F1 per label 1/2, 4/5, 0 -> mean 0.4333
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0, 1, 1, 2}, new int[] {0, 1, 1, 1, 0}, 3);
        assertEquals(0.6, m.accuracy(), 1e-9);
        assertEquals((0.5 + 0.8 + 0) / 3, m.macroF1(), 1e-9);
    }
}
