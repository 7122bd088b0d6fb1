package ai.hybridchat.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every config.json key that changes the computation is honoured or refused with an error naming it. */
class LlamaConfigFidelityTest {
    static final String BASE = "\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":64,\"intermediate_size\":128,"
            + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"vocab_size\":100,\"max_position_embeddings\":32768";

    @TempDir
    Path dir;

    private LlamaConfig read(String extra) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{" + BASE + (extra.isEmpty() ? "" : "," + extra) + "}");
        return LlamaConfig.read(dir);
    }

    private void refused(String extra, String key) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(extra));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void whatThisRuntimeDoesNotComputeIsRefusedByName() {
        refused("\"hidden_act\":\"gelu_pytorch_tanh\"", "hidden_act");
        refused("\"mlp_bias\":true", "mlp_bias");
        refused("\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4.0}", "rope_scaling type 'yarn'");
        refused("\"rope_scaling\":{\"type\":\"dynamic\",\"factor\":2.0}", "rope_scaling type 'dynamic'");
        refused("\"rope_parameters\":{\"rope_type\":\"yarn\",\"rope_theta\":1000000.0,\"factor\":4.0}", "rope_scaling type 'yarn'");
    }

    @Test
    void aSlidingWindowBoundsTheContextSoAttentionIsExact() throws IOException {
        assertEquals(4096, read("\"sliding_window\":4096").contextLength());
        assertEquals(32768, read("\"sliding_window\":4096,\"use_sliding_window\":false").contextLength(), "Qwen2 turns it off");
        assertEquals(32768, read("\"sliding_window\":null").contextLength());
        assertEquals(32768, read("").contextLength());
    }

    @Test
    void transformersV5RopeParametersGiveThetaAndScaling() throws IOException {
        LlamaConfig c = read("\"rope_parameters\":{\"rope_type\":\"llama3\",\"rope_theta\":500000.0,\"factor\":8.0,"
                + "\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}");
        assertEquals(500000.0, c.ropeTheta);
        assertEquals("llama3", c.ropeScaling.path("rope_type").asText());
        assertEquals(1000000.0, read("\"rope_parameters\":{\"rope_type\":\"default\",\"rope_theta\":1000000.0}").ropeTheta);
        assertEquals(10000.0, read("\"rope_theta\":10000.0,\"rope_parameters\":{\"rope_theta\":5.0}").ropeTheta,
                "an explicit rope_theta wins");
    }
}
