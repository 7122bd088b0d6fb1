package ai.hybridchat.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of tuning methods: what `tune --method` offers, each method's defaults and traits. */
class TuningMethodsTest {
    @Test
    void everyMethodIsRegisteredOnceInTheOrderTheHelpLists() {
        assertEquals(List.of("full", "last-layer", "lora", "qlora", "prompt-tuning", "dpo", "reward-model", "ppo", "embedding",
                "classifier", "classifier-lora", "reranker"), TuningMethods.names());
    }

    @Test
    void anUnknownMethodIsTheUsersMistakeAndNamesTheOthers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TuningMethods.named("lorra"));
        assertEquals("unknown or not yet available tuning method 'lorra' (available: full, last-layer, lora, qlora, "
                + "prompt-tuning, dpo, reward-model, ppo, embedding, classifier, classifier-lora, reranker)", e.getMessage());
        assertEquals(TuningDefaults.OTHERS, TuningMethods.recipe("lorra"));
    }

    @Test
    void supervisedLoraLearnsWithItsMeasuredRecipeTheOthersKeepTheirs() {
        assertEquals(TuningDefaults.SUPERVISED_LORA, TuningMethods.recipe("lora"));
        assertEquals(TuningDefaults.SUPERVISED_LORA, TuningMethods.recipe("qlora"));
        for (String other : List.of("full", "last-layer", "prompt-tuning", "dpo", "reward-model", "ppo")) {
            assertEquals(TuningDefaults.OTHERS, TuningMethods.recipe(other), other);
        }
        assertEquals(2e-5, TuningMethods.recipe("embedding").learningRate(), "sentence-transformers' learning rate");
        assertEquals(5e-5, TuningMethods.recipe("classifier").learningRate(), "Hugging Face's BERT fine-tuning rate");
    }

    @Test
    void onlyTheTokenLossesHaveAPerplexityAndOnlyAdaptersSwap() {
        for (TuningMethod m : TuningMethods.all()) {
            boolean notTokens = List.of("dpo", "reward-model", "ppo", "embedding", "classifier", "classifier-lora", "reranker").contains(m.name());
            assertEquals(!notTokens, m.lossIsTokenCrossEntropy(), m.name());
        }
        assertEquals(List.of("lora", "qlora", "prompt-tuning", "dpo"),
                TuningMethods.all().stream().filter(TuningMethod::writesSwappableAdapter).map(TuningMethod::name).toList());
        assertTrue(TuningMethods.exists("ppo"));
        assertFalse(TuningMethods.exists("PPO"));
    }

    @Test
    void aRunWithNoSettingsTakesItsMethodsRecipeAndTheSharedDefaults() {
        java.nio.file.Path p = java.nio.file.Path.of("x");
        TuneOptions lora = TuneOptionsBuilder.of("lora", p, p, p).build();
        assertEquals(30, lora.epochs());
        assertEquals(5e-3, lora.learningRate());
        assertEquals(16, lora.rank());
        assertEquals(32.0, lora.alpha(), "alpha is twice the rank");
        assertEquals(TuningDefaults.ALL_PROJECTIONS, lora.targetModules());
        assertEquals(TuneOptions.DEFAULT_BATCH, lora.batchSize());
        assertEquals(TuneOptions.DEFAULT_MAX_LENGTH, lora.maxLength());
        assertEquals(TuneOptions.DEFAULT_SEED, lora.seed());
        TuneOptions dpo = TuneOptionsBuilder.of("dpo", p, p, p).rank(4).build();
        assertEquals(3, dpo.epochs());
        assertEquals(8.0, dpo.alpha(), "alpha follows a rank set by the user");
        assertEquals(List.of("q_proj", "v_proj"), dpo.targetModules());
        assertEquals(2.5, TuneOptionsBuilder.of("dpo", p, p, p).rank(4).alpha(2.5).build().alpha());
    }
}
