package ai.hybridchat.core.model;

import ai.hybridchat.core.testing.TinyModels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest {
    @TempDir Path dir;

    @Test
    void cachedDecodingMatchesFullForward() {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, true, 4, 2), 7, manager)) {
            long[] tokens = {3, 17, 5, 42, 9, 1};
            NDArray full = model.forward(manager.create(tokens, new Shape(1, tokens.length)), null, false);
            try (KvCache cache = model.newCache(1, 16)) {
                model.forward(manager.create(new long[] {3, 17, 5}, new Shape(1, 3)), cache, true);
                NDArray last = null;
                for (long t : new long[] {42, 9, 1}) {
                    last = model.forward(manager.create(new long[] {t}, new Shape(1, 1)), cache, true);
                }
                float[] expected = full.get("0, 5, :").toFloatArray();
                float[] actual = last.get("0, 0, :").toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
                }
            }
        }
    }

    @Test
    void saveAndLoadRoundTripsWeightsAndLogits() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(TinyModels.llama(true, false, 4, 4), 11, manager)) {
            model.save(dir);
            assertTrue(Files.exists(dir.resolve("model.safetensors")));
            try (LlamaModel loaded = LlamaModel.load(dir, manager)) {
                long[] tokens = {1, 2, 3, 4};
                float[] a = model.forward(manager.create(tokens, new Shape(1, 4)), null, false).toFloatArray();
                float[] b = loaded.forward(manager.create(tokens, new Shape(1, 4)), null, false).toFloatArray();
                assertArrayEquals(a, b, 0f);
                assertEquals(model.parameterCount(), loaded.parameterCount());
            }
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, false, 4, 4), 1, manager)) {
            var weights = new java.util.HashMap<>(model.weights());
            weights.remove("model.layers.1.mlp.up_proj.weight");
            Safetensors.write(dir.resolve("model.safetensors"), weights, null, false);
            model.config().write(dir);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(dir, manager));
            assertTrue(e.getMessage().contains("model.layers.1.mlp.up_proj.weight"), e.getMessage());
        }
    }

    @Test
    void mismatchedShapeNamesTheTensorAndBothShapes() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, false, 4, 4), 1, manager)) {
            model.save(dir);
            LlamaConfig wrong = TinyModels.llama(false, false, 4, 4);
            wrong.intermediateSize = 48;
            wrong.write(dir);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(dir, manager));
            assertTrue(e.getMessage().contains("model.layers.0.mlp.gate_proj.weight") && e.getMessage().contains("(64, 32)")
                    && e.getMessage().contains("(48, 32)"), e.getMessage());
        }
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        ModelFormatException noConfig = assertThrows(ModelFormatException.class, () -> LlamaConfig.read(dir));
        assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
        TinyModels.llama(false, false, 4, 4).write(dir);
        try (NDManager manager = NDManager.newBaseManager()) {
            Exception noWeights = assertThrows(Exception.class, () -> LlamaModel.load(dir, manager));
            assertTrue(noWeights.getMessage().contains("model.safetensors"), noWeights.getMessage());
        }
    }

    @Test
    void unknownArchitectureIsRejected() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"GPT2LMHeadModel\"],\"hidden_size\":8,"
                + "\"intermediate_size\":8,\"num_hidden_layers\":1,\"num_attention_heads\":1,\"vocab_size\":8}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaConfig.read(dir));
        assertTrue(e.getMessage().contains("GPT2LMHeadModel"), e.getMessage());
    }

    @Test
    void bf16WeightsLoadWithinRounding() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(TinyModels.llama(true, false, 4, 2), 5, manager)) {
            model.config().write(dir);
            Safetensors.write(dir.resolve("model.safetensors"), model.weights(), null, true);
            try (LlamaModel loaded = LlamaModel.load(dir, manager)) {
                float[] a = model.weights().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
                float[] b = loaded.weights().get("model.layers.0.self_attn.q_proj.weight").toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], Math.abs(a[i]) / 128 + 1e-6);
                }
            }
        }
    }
}
