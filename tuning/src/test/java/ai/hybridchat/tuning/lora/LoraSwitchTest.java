package ai.hybridchat.tuning.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.tuning.train.GradientAccumulationTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Switched off, LoRA layers give the base's logits exactly: the reference model of RLHF without a copy. */
class LoraSwitchTest {
    @Test
    void disabledAdaptersGiveTheBaseLogits() {
        try (NDManager m = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(GradientAccumulationTest.config(), 5, m)) {
            long[] ids = {3, 9, 4, 17, 5};
            float[] base = model.forward(m.create(ids, new Shape(1, ids.length)), null, false).toFloatArray();
            List<LoraLinear> loras = LoraInjector.inject(model, List.of("q_proj", "v_proj"), 4, 8, 0.0, 1, model.manager());
            loras.forEach(l -> l.loraB().addi(0.5f)); // a trained adapter: B no longer zero
            float[] adapted = model.forward(m.create(ids, new Shape(1, ids.length)), null, false).toFloatArray();
            assertFalse(Arrays.equals(base, adapted), "the adapter changes the logits");
            loras.forEach(l -> l.setEnabled(false));
            assertArrayEquals(base, model.forward(m.create(ids, new Shape(1, ids.length)), null, false).toFloatArray());
            loras.forEach(l -> l.setEnabled(true));
            assertArrayEquals(adapted, model.forward(m.create(ids, new Shape(1, ids.length)), null, false).toFloatArray());
        }
    }
}
