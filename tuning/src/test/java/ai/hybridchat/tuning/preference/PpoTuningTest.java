package ai.hybridchat.tuning.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.preference.RewardTrace;
import ai.hybridchat.tuning.testing.TinyBase;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PPO against a reward model trained here: the sampled answers' reward must rise, the base stay as it was. */
class PpoTuningTest {
    @TempDir Path dir;

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    void ppoRaisesTheRewardOfTheAnswersItSamples() throws Exception {
        Path base = TinyBase.write(dir.resolve("base"));
        byte[] baseBytes = Files.readAllBytes(base.resolve("model.safetensors"));
        Path prefs = DpoTuningTest.pairs(dir.resolve("prefs.jsonl"), DpoTuningTest.TOPICS);
        Path rewardModel = dir.resolve("rm");
        new Tuner(ProgressListener.silent()).run(new TuneOptions("reward-model", base, prefs, null, rewardModel, 1, 30, 4, 128,
                5e-3, 0, 3, 0, 7, 8, 16, 0.0, List.of("q_proj", "v_proj")), null);

        TuneOptions o = new TuneOptions("ppo", base, prefs, null, dir.resolve("ppo"), 1, 32, 8, 128, 3e-2, 0, 2, 0, 7,
                8, 16, 0.0, List.of("q_proj", "v_proj", "up_proj", "down_proj"))
                .withMethodOptions(new TuneOptions.MethodOptions("nf4", 20, null, 1, 0.1, rewardModel, 0.01, 8));
        TuningResult r = new Tuner(ProgressListener.silent()).run(o, null);

        List<Double> rewards = r.evaluation(RewardTrace.class).orElseThrow().perStep();
        assertEquals(32, rewards.size());
        // measured: 1.55 over the first 8 steps, then 3.07, 3.18, 3.40
        double first = mean(rewards.subList(0, 8));
        double last = mean(rewards.subList(24, 32));
        assertTrue(last > first + 1.0, "mean reward of the first 8 steps " + first + ", of the last 8 " + last + ": " + rewards);
        assertArrayEquals(baseBytes, Files.readAllBytes(base.resolve("model.safetensors")), "the base is untouched");
        JsonNode meta = Json.MAPPER.readTree(o.out().resolve("training.json").toFile());
        assertEquals("ppo", meta.get("method").asText());
        assertEquals(32, meta.path("metrics").path("mean_reward_per_step").size());
        assertEquals("LORA", Json.MAPPER.readTree(o.out().resolve("adapter_config.json").toFile()).get("peft_type").asText());
    }

    @Test
    void ppoWithoutARewardModelSaysWhatItNeeds() throws Exception {
        Path base = TinyBase.write(dir.resolve("base"));
        Path prefs = DpoTuningTest.pairs(dir.resolve("prefs.jsonl"), DpoTuningTest.TOPICS);
        TuneOptions o = new TuneOptions("ppo", base, prefs, null, dir.resolve("ppo"), 1, 2, 2, 128, 1e-2, 0, 1, 0, 7,
                8, 16, 0.0, List.of("q_proj", "v_proj"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tuner(ProgressListener.silent()).run(o, null));
        assertTrue(e.getMessage().startsWith("ppo needs --reward-model DIR"), e.getMessage());
        assertTrue(Files.notExists(o.out()));
    }
}
