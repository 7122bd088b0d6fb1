package ai.hybridchat.tuning.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Safetensors;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.data.DatasetException;
import ai.hybridchat.tuning.testing.TinyBase;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on a tiny random model: it must really learn, write PEFT files, and leave the base alone. */
class LoraTuningTest {
    static final List<String[]> PAIRS = TinyBase.PAIRS;

    @TempDir Path dir;
    Path base;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        base = TinyBase.write(dir.resolve("base"));
        data = TinyBase.qaData(dir.resolve("train.jsonl"), PAIRS);
    }

    TuneOptions options(Path out, int steps) {
        return new TuneOptions("lora", base, data, null, out, 1, steps, 4, 128, 5e-3, 0, 5, 0, 7,
                8, 16, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"));
    }

    @Test
    void aRunResumedFromItsCheckpointEndsWithTheWeightsOfAnUninterruptedRun() throws Exception {
        // dropout on, so the resumed run must also replay the random masks of the steps it redoes
        List<String> targets = List.of("q_proj", "v_proj", "up_proj");
        TuneOptions straight = new TuneOptions("lora", base, data, null, dir.resolve("straight"), 1, 12, 2, 128, 5e-3, 0, 3, 0, 7,
                4, 8, 0.2, targets).withCheckpoints(4, false);
        new Tuner(ProgressListener.silent()).run(straight, null);
        assertFalse(Files.exists(straight.checkpointDir()), "a finished run removes its checkpoint");

        TuneOptions interrupted = new TuneOptions("lora", base, data, null, dir.resolve("resumed"), 1, 12, 2, 128, 5e-3, 0, 3, 0, 7,
                4, 8, 0.2, targets).withCheckpoints(4, false);
        java.util.concurrent.atomic.AtomicInteger steps = new java.util.concurrent.atomic.AtomicInteger();
        assertThrows(java.util.concurrent.CancellationException.class,
                () -> new Tuner(r -> steps.set(r.step())).run(interrupted, () -> steps.get() >= 7));
        assertFalse(Files.exists(interrupted.out()), "nothing published by the interrupted run");
        assertEquals(4, Json.MAPPER.readTree(interrupted.checkpointDir().resolve("state.json").toFile()).get("step").asInt());
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> new Tuner(ProgressListener.silent()).run(interrupted, null));
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());

        new Tuner(ProgressListener.silent()).run(interrupted.withCheckpoints(4, true), null);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = Safetensors.read(straight.out().resolve("adapter_model.safetensors"), m);
            Map<String, NDArray> b = Safetensors.read(interrupted.out().resolve("adapter_model.safetensors"), m);
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
            }
            NDArray trainedB = a.get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
            assertTrue(trainedB.abs().sum().getFloat() > 0, "the adapters trained");
        }
    }

    @Test
    void aCheckpointOfOtherSettingsIsRefusedUnlessForced() throws Exception {
        List<String> targets = List.of("q_proj", "v_proj");
        TuneOptions first = new TuneOptions("lora", base, data, null, dir.resolve("a"), 1, 12, 2, 128, 5e-3, 0, 3, 0, 7,
                4, 8, 0.0, targets).withCheckpoints(4, false);
        java.util.concurrent.atomic.AtomicInteger steps = new java.util.concurrent.atomic.AtomicInteger();
        assertThrows(java.util.concurrent.CancellationException.class,
                () -> new Tuner(r -> steps.set(r.step())).run(first, () -> steps.get() >= 5));
        // the same output folder, another learning rate: not this run's checkpoint
        TuneOptions other = new TuneOptions("lora", base, data, null, dir.resolve("a"), 1, 12, 2, 128, 1e-2, 0, 3, 0, 7,
                4, 8, 0.0, targets).withCheckpoints(4, true);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Tuner(ProgressListener.silent()).run(other, null));
        assertTrue(refused.getMessage().contains("learning_rate was 0.005, now 0.01"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--force-resume"), refused.getMessage());
        Path otherData = TinyBase.qaData(dir.resolve("other.jsonl"), PAIRS.subList(0, 2));
        TuneOptions otherFile = new TuneOptions("lora", base, otherData, null, dir.resolve("a"), 1, 12, 2, 128, 5e-3, 0, 3, 0, 7,
                4, 8, 0.0, targets).withCheckpoints(4, true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Tuner(ProgressListener.silent()).run(otherFile, null))
                .getMessage().contains("data_sha256"));
        // forced: it goes on from the checkpoint and finishes
        new Tuner(ProgressListener.silent()).run(other.withForcedResume(), null);
        assertTrue(Files.isRegularFile(dir.resolve("a").resolve("adapter_model.safetensors")));
    }

    @Test
    void aRunStopsAtItsTargetLossOnlyOnceEveryTrainingAnswerIsLearned() throws Exception {
        List<String> messages = new java.util.ArrayList<>();
        ProgressListener listen = new ProgressListener() {
            @Override
            public void onStep(StepReport report) {
            }

            @Override
            public void onMessage(String message) {
                messages.add(message);
            }
        };
        Path out = dir.resolve("checked");
        new Tuner(listen).run(options(out, 400), null);
        List<String> checks = messages.stream().filter(m -> m.startsWith("least probability of a question-only training answer token")).toList();
        String stop = messages.stream().filter(m -> m.startsWith("stopping at step")).findFirst().orElse(null);
        if (stop != null) {
            assertTrue(stop.contains("every question-only training answer is learned"), stop);
            String last = checks.get(checks.size() - 1);
            assertFalse(last.contains("not all learned"), "the check that let it stop passed: " + messages);
            double least = Double.parseDouble(last.replaceAll(".*: ([0-9.]+).*", "$1"));
            assertTrue(least > 0.5, last);
        }
        // greedy decoding then reproduces every answer, as the check promises
        try (LocalLanguageModel tuned = LocalLanguageModel.load(base).withAdapter(out)) {
            for (String[] p : PAIRS) {
                assertEquals(p[1], tuned.chat(List.of(new ChatTemplate.Message("user", p[0])), GenerationConfig.greedy(40), null, null)
                        .text(), "after " + messages);
            }
        }
    }

    @Test
    void loraLearnsTheAnswersAndWritesAPeftAdapterWithoutTouchingTheBase() throws Exception {
        byte[] baseBefore = Files.readAllBytes(base.resolve("model.safetensors"));
        Path out = dir.resolve("adapter");
        TuningResult result = new Tuner(ProgressListener.silent()).run(options(out, 200), null);
        assertTrue(result.training().finalTrainLoss() < 0.3, "train loss " + result.training().finalTrainLoss());
        assertArrayEquals(baseBefore, Files.readAllBytes(base.resolve("model.safetensors")), "base weights changed");

        JsonNode config = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.get("peft_type").asText());
        assertEquals(8, config.get("r").asInt());
        JsonNode meta = Json.MAPPER.readTree(out.resolve("training.json").toFile());
        assertEquals(64, meta.get("base_model_sha256").asText().length());
        try (NDManager m = NDManager.newBaseManager()) {
            var tensors = Safetensors.read(out.resolve("adapter_model.safetensors"), m);
            assertEquals(new Shape(8, 64), tensors.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").getShape());
            assertEquals(new Shape(32, 8), tensors.get("base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight").getShape());
            assertEquals(2 * 7 * 2, tensors.size());
        }

        try (LocalLanguageModel plain = LocalLanguageModel.load(base); LocalLanguageModel tuned = plain.withAdapter(out)) {
            int exact = 0;
            StringBuilder got = new StringBuilder();
            for (String[] p : PAIRS) {
                var messages = List.of(new ChatTemplate.Message("user", p[0]));
                String answer = tuned.chat(messages, GenerationConfig.greedy(40), null, null).text();
                exact += answer.equals(p[1]) ? 1 : 0;
                got.append(" | ").append(answer);
                assertNotEquals(p[1], plain.chat(messages, GenerationConfig.greedy(40), null, null).text());
            }
            assertEquals(PAIRS.size(), exact, "exact-match answers after tuning:" + got);
        }
    }

    @Test
    void mergedAdapterGivesTheSameLogitsAsTheUnmergedOneAndUnmergingRestoresIt() throws Exception {
        Path out = dir.resolve("adapter");
        new Tuner(ProgressListener.silent()).run(options(out, 20), null);
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(base, m)) {
            PeftLoraAdapter.apply(out, model, m);
            long[] tokens = {5, 40, 77, 120, 9};
            float[] unmerged = model.forward(m.create(tokens, new Shape(1, 5)), null, false).toFloatArray();
            float[] baseQ = model.weights().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
            PeftLoraAdapter.Unmerge handle = PeftLoraAdapter.mergeInto(model);
            float[] merged = model.forward(m.create(tokens, new Shape(1, 5)), null, false).toFloatArray();
            for (int i = 0; i < merged.length; i++) {
                assertEquals(unmerged[i], merged[i], 1e-4);
            }
            assertFalse(model.layers().get(0).projection("self_attn.q_proj") instanceof ai.hybridchat.core.adapter.LoraLinear);
            handle.unmerge();
            assertTrue(model.layers().get(0).projection("self_attn.q_proj") instanceof ai.hybridchat.core.adapter.LoraLinear);
            assertArrayEquals(unmerged, model.forward(m.create(tokens, new Shape(1, 5)), null, false).toFloatArray(),
                    "unmerged again: the adapter's own logits, exactly");
            assertArrayEquals(baseQ, model.weights().get("model.layers.0.self_attn.q_proj.weight").toFloatArray(),
                    "the base weight never changed");
        }
    }

    @Test
    void fullFineTuningWritesACompleteModelWhoseWeightsChanged() throws Exception {
        Path out = dir.resolve("full");
        TuneOptions lora = options(out, 30);
        TuneOptions full = new TuneOptions("full", lora.base(), lora.data(), null, out, 1, 30, 4, 128, 2e-3, 0, 5, 0, 7,
                8, 16, 0, lora.targetModules());
        new Tuner(ProgressListener.silent()).run(full, null);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "training.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (NDManager m = NDManager.newBaseManager(); LlamaModel before = LlamaModel.load(base, m);
             LlamaModel after = LlamaModel.load(out, m)) {
            float[] a = before.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
            float[] b = after.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
            assertTrue(!java.util.Arrays.equals(a, b), "full fine-tuning changes the base weights in its output");
        }
    }

    @Test
    void malformedLinesAreReportedWithNumbersBeforeTraining() throws Exception {
        Files.writeString(data, "{\"prompt\":\"a\",\"completion\":\"b\"}\nnot json\n{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}\n");
        DatasetException e = assertThrows(DatasetException.class,
                () -> new Tuner(ProgressListener.silent()).run(options(dir.resolve("never"), 5), null));
        assertTrue(e.getMessage().contains("line 2: not JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3: the last message must be the assistant"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("never")));
    }
}
