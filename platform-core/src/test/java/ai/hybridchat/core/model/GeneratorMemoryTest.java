package ai.hybridchat.core.model;

import ai.hybridchat.core.testing.TinyModels;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A server answers thousands of requests with one model: every native array a request makes
 * (cache, logits, intermediate activations) must be freed when it ends, none left attached to
 * the model's long-lived manager.
 */
class GeneratorMemoryTest {
    @Test
    void requestsLeaveNoNativeArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, true, 4, 2), 3, manager)) {
            Generator generator = new Generator(model, null, Set.of());
            generator.generate(new long[] {1, 2, 3}, GenerationConfig.greedy(4), null, null);
            int before = manager.getManagedArrays().size();
            for (int i = 0; i < 100; i++) {
                generator.generate(new long[] {1 + i % 40, 2, 3, 4}, GenerationConfig.greedy(8), null, null);
            }
            assertEquals(before, manager.getManagedArrays().size(),
                    "native arrays still attached after 100 requests (weights are " + model.weights().size() + ")");
        }
    }
}
