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
        assertEquals(List.of("full", "last-layer", "lora", "qlora", "prompt-tuning", "dpo", "reward-model", "ppo"),
                TuningMethods.names());
    }

    @Test
    void anUnknownMethodIsTheUsersMistakeAndNamesTheOthers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TuningMethods.named("lorra"));
        assertEquals("unknown or not yet available tuning method 'lorra' (available: full, last-layer, lora, qlora, "
                + "prompt-tuning, dpo, reward-model, ppo)", e.getMessage());
        assertEquals(TuningDefaults.OTHERS, TuningMethods.recipe("lorra"));
    }

    @Test
    void supervisedLoraLearnsWithItsMeasuredRecipeTheOthersKeepTheirs() {
        assertEquals(TuningDefaults.SUPERVISED_LORA, TuningMethods.recipe("lora"));
        assertEquals(TuningDefaults.SUPERVISED_LORA, TuningMethods.recipe("qlora"));
        for (String other : List.of("full", "last-layer", "prompt-tuning", "dpo", "reward-model", "ppo")) {
            assertEquals(TuningDefaults.OTHERS, TuningMethods.recipe(other), other);
        }
    }

    @Test
    void onlyTheTokenLossesHaveAPerplexityAndOnlyAdaptersSwap() {
        for (TuningMethod m : TuningMethods.all()) {
            boolean preference = List.of("dpo", "reward-model", "ppo").contains(m.name());
            assertEquals(!preference, m.lossIsTokenCrossEntropy(), m.name());
        }
        assertEquals(List.of("lora", "qlora", "prompt-tuning", "dpo"),
                TuningMethods.all().stream().filter(TuningMethod::writesSwappableAdapter).map(TuningMethod::name).toList());
        assertTrue(TuningMethods.exists("ppo"));
        assertFalse(TuningMethods.exists("PPO"));
    }
}
