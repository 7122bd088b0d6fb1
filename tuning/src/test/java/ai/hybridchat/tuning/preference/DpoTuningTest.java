package ai.hybridchat.tuning.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.data.DatasetException;
import ai.hybridchat.tuning.preference.PreferenceMetrics;
import ai.hybridchat.tuning.testing.TinyBase;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DPO with LoRA on a tiny model: it must start at ln 2, learn the preference, generalise it, and write PEFT files. */
class DpoTuningTest {
    static final List<String> TOPICS = List.of("backups", "packages", "users", "files", "disks", "networks", "printers",
            "passwords", "updates", "logs", "services", "kernels");
    static final List<String> HELD_OUT = List.of("mail", "fonts", "shells", "clocks");

    @TempDir Path dir;

    static Path pairs(Path file, List<String> topics) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String t : topics) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("prompt", "Can you help me with " + t + "?",
                    "chosen", "Yes, I can help you with " + t + ".", "rejected", "No. Ask someone else."))).append('\n');
        }
        return Files.writeString(file, sb.toString());
    }

    @Test
    void dpoStartsAtLn2LearnsThePreferenceAndGeneralisesIt() throws Exception {
        Path base = TinyBase.write(dir.resolve("base"));
        byte[] baseBytes = Files.readAllBytes(base.resolve("model.safetensors"));
        Path train = pairs(dir.resolve("prefs.jsonl"), TOPICS);
        Path val = pairs(dir.resolve("val.jsonl"), HELD_OUT);
        TuneOptions o = new TuneOptions("dpo", base, train, val, dir.resolve("dpo"), 1, 30, 4, 128, 5e-3, 0, 3, 0, 7,
                8, 16, 0.0, List.of("q_proj", "v_proj", "up_proj", "down_proj"))
                .withMethodOptions(new TuneOptions.MethodOptions("nf4", 20, null, 1, 0.1));
        List<Double> losses = new ArrayList<>();
        TuningResult r = new Tuner(new ProgressListener() {
            @Override
            public void onStep(StepReport report) {
                losses.add(report.loss());
            }
        }).run(o, null);

        assertEquals(Math.log(2), losses.get(0), 1e-3, "the policy starts as the reference: margin 0, loss ln 2");
        assertTrue(r.training().finalTrainLoss() < 0.3, "train loss " + r.training().finalTrainLoss());
        assertTrue(r.training().finalValidationLoss() < Math.log(2) - 0.2, "validation loss " + r.training().finalValidationLoss());
        assertEquals(HELD_OUT.size(), r.evaluation(PreferenceMetrics.class).orElseThrow().pairs());
        assertEquals(1.0, r.evaluation(PreferenceMetrics.class).orElseThrow().accuracy(), "held-out pairs: the chosen answer gets the higher reward");
        assertTrue(r.evaluation(PreferenceMetrics.class).orElseThrow().meanMargin() > 0.5, "margin " + r.evaluation(PreferenceMetrics.class).orElseThrow().meanMargin());

        assertArrayEquals(baseBytes, Files.readAllBytes(base.resolve("model.safetensors")), "the base is untouched");
        JsonNode config = Json.MAPPER.readTree(o.out().resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.get("peft_type").asText());
        assertTrue(Files.size(o.out().resolve("adapter_model.safetensors")) > 0);
        JsonNode meta = Json.MAPPER.readTree(o.out().resolve("training.json").toFile());
        assertEquals("dpo", meta.get("method").asText());
        assertEquals(0.1, meta.path("hyperparameters").path("beta").asDouble());
        assertEquals(1.0, meta.path("metrics").path("validation_reward_accuracy").asDouble());
    }

    @Test
    void malformedPairsAreReportedByLineBeforeAnythingTrains() throws Exception {
        Path base = TinyBase.write(dir.resolve("base"));
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), """
                {"prompt": "Hi?", "chosen": "Hello.", "rejected": "Go."}
                {"prompt": "Hi?", "chosen": "Hello."}
                {"prompt": "Hi?", "chosen": "Same.", "rejected": "Same."}
                """);
        TuneOptions o = new TuneOptions("dpo", base, bad, null, dir.resolve("out"), 1, 2, 2, 128, 5e-3, 0, 1, 0, 7,
                8, 16, 0.0, List.of("q_proj", "v_proj"));
        DatasetException e = assertThrows(DatasetException.class, () -> new Tuner(ProgressListener.silent()).run(o, null));
        assertEquals(2, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).startsWith("line 2: \"rejected\" must be a non-empty string"), e.problems().toString());
        assertTrue(e.problems().get(1).startsWith("line 3: \"chosen\" and \"rejected\" are the same text"), e.problems().toString());
        assertTrue(!Files.exists(o.out()));
    }
}
