package ai.hybridchat.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.model.LlamaConfig;
import org.junit.jupiter.api.Test;

/** The memory estimate that lets the admin API refuse a job the machine cannot hold. */
class TuningMemoryTest {
    /** Llama 2 7B's published config.json. */
    static LlamaConfig llama2_7b() {
        LlamaConfig c = new LlamaConfig();
        c.hiddenSize = 4096;
        c.intermediateSize = 11008;
        c.numHiddenLayers = 32;
        c.numAttentionHeads = 32;
        c.numKeyValueHeads = 32;
        c.vocabSize = 32000;
        c.tieWordEmbeddings = false;
        return c;
    }

    @Test
    void countsTheParametersOfAPublishedModel() {
        // Meta's model card: 6.74 billion parameters
        assertEquals(6.74e9, TuningMemory.parameters(llama2_7b()), 0.01e9);
    }

    @Test
    void activationsAgreeWithKorthikantiEtAlAndTheEstimateGrowsWithRankAndBatch() {
        // Korthikanti et al. 2022, "Reducing activation recomputation": 34 s b h + 5 a s^2 b bytes per
        // layer in 16 bits, so twice that in F32; the estimate's activation part is within 1.5x of it
        LlamaConfig c = llama2_7b();
        int batch = 2;
        int seq = 512;
        long weightsOnly = TuningMemory.estimateBytes(c, "lora", 8, 1, 8);
        long withActivations = TuningMemory.estimateBytes(c, "lora", 8, batch, seq);
        double activations = withActivations - weightsOnly;
        double korthikanti = 2.0 * c.numHiddenLayers * (34.0 * seq * batch * c.hiddenSize + 5.0 * c.numAttentionHeads * seq * seq * batch);
        assertTrue(activations > korthikanti / 1.5 && activations < korthikanti * 1.5, activations + " vs " + korthikanti);

        long full = TuningMemory.estimateBytes(c, "full", 8, 1, 128);
        long lora = TuningMemory.estimateBytes(c, "lora", 8, 1, 128);
        assertTrue(full > 24e9 * 3 / 4, "a full run of a 7B model does not fit a 24 GB machine: " + full);
        assertTrue(lora < full / 3, "lora " + lora + " vs full " + full);
        assertTrue(TuningMemory.estimateBytes(c, "lora", 64, 1, 128) > lora, "grows with the rank");
        assertTrue(TuningMemory.estimateBytes(c, "lora", 8, 4, 128) > lora, "grows with the batch");
    }
}
