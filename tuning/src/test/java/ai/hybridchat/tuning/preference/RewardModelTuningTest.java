package ai.hybridchat.tuning.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.Safetensors;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.preference.PreferenceMetrics;
import ai.hybridchat.tuning.testing.TinyBase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reward model on a tiny model: Bradley-Terry from ln 2 down, chosen above rejected on held-out pairs, HF layout. */
class RewardModelTuningTest {
    @TempDir Path dir;

    @Test
    void theRewardModelScoresChosenAboveRejectedAndIsWrittenAsASequenceClassifier() throws Exception {
        Path base = TinyBase.write(dir.resolve("base"));
        Path train = DpoTuningTest.pairs(dir.resolve("prefs.jsonl"), DpoTuningTest.TOPICS);
        Path val = DpoTuningTest.pairs(dir.resolve("val.jsonl"), DpoTuningTest.HELD_OUT);
        TuneOptions o = new TuneOptions("reward-model", base, train, val, dir.resolve("rm"), 1, 30, 4, 128, 5e-3, 0, 3, 0, 7,
                8, 16, 0.0, List.of("q_proj", "v_proj"));
        List<Double> losses = new ArrayList<>();
        TuningResult r = new Tuner(report -> losses.add(report.loss())).run(o, null);

        assertEquals(Math.log(2), losses.get(0), 0.05, "a fresh head scores both answers about alike");
        assertTrue(r.training().finalTrainLoss() < 0.2, "train loss " + r.training().finalTrainLoss());
        assertEquals(1.0, r.evaluation(PreferenceMetrics.class).orElseThrow().accuracy(), "held-out pairs: chosen scored higher; " + r.evaluation(PreferenceMetrics.class).orElseThrow());
        assertEquals(DpoTuningTest.HELD_OUT.size(), r.evaluation(PreferenceMetrics.class).orElseThrow().pairs());

        JsonNode config = Json.MAPPER.readTree(o.out().resolve("config.json").toFile());
        assertEquals("LlamaForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals(1, config.get("num_labels").asInt());
        JsonNode meta = Json.MAPPER.readTree(o.out().resolve("training.json").toFile());
        assertEquals(1.0, meta.path("metrics").path("validation_pairwise_accuracy").asDouble());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> before = Safetensors.read(base.resolve("model.safetensors"), m);
            Map<String, NDArray> after = Safetensors.read(o.out().resolve("model.safetensors"), m);
            assertEquals(new Shape(1, 64), after.get("score.weight").getShape());
            assertArrayEquals(before.get("model.layers.0.mlp.up_proj.weight").toFloatArray(),
                    after.get("model.layers.0.mlp.up_proj.weight").toFloatArray(), "below the top block: frozen");
            assertFalse(Arrays.equals(before.get("model.layers.1.mlp.up_proj.weight").toFloatArray(),
                    after.get("model.layers.1.mlp.up_proj.weight").toFloatArray()), "the top block trained");
        }
    }
}
