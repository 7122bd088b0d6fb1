package ai.hybridchat.core.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.decode.FastDecoder;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.quant.BlockQuantizedWeight;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.core.quant.QuantizedLinear;
import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.core.testing.TinyModels;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --weights int8|q4}: a model folder quantized at load, an adapter on top, decoded on the packed path. */
class QuantizedLoadTest {
    @TempDir
    Path dir;

    @Test
    void aQuantizedBaseHoldsAFractionOfItsF32BytesAndTakesALoraAdapterOnTop() throws Exception {
        Path model = TinyModels.writeRandom(dir.resolve("model"), TinyModels.llama(true, false, 4, 2), 3, 1f);
        Path adapter = TinyModels.writeRandomLora(model, dir.resolve("adapter"), 4);
        long f32;
        try (LocalLanguageModel plain = LocalLanguageModel.load(model)) {
            f32 = ModelQuantizer.heldBytes(plain.model());
        }
        for (WeightFormat format : new WeightFormat[] {WeightFormat.INT8, WeightFormat.Q4}) {
            try (LocalLanguageModel base = LocalLanguageModel.load(model, format); LocalLanguageModel tuned = base.withAdapter(adapter)) {
                assertTrue(base.model().layers().get(0).projection("mlp.down_proj") instanceof QuantizedLinear q
                        && q.quantized() instanceof BlockQuantizedWeight b && b.format() == format, format.toString());
                assertNull(base.model().embedTokens(), "the F32 embedding is released");
                long held = ModelQuantizer.heldBytes(base.model());
                assertTrue(held < f32 / 3, format + ": " + held + " bytes held against " + f32 + " in F32");

                assertTrue(tuned.model().layers().get(0).projection("self_attn.q_proj") instanceof LoraLinear);
                assertTrue(base.model().layers().get(0).projection("self_attn.q_proj") instanceof QuantizedLinear,
                        "the adapter wraps the tuned model's slots, not the base's");
                assertNotNull(FastDecoder.of(tuned.model()), "LoRA over packed weights decodes on the fast path");

                long[] prompt = {1, 2, 3, 4};
                long[] fast = new Generator(tuned.model(), null, Set.of(), FastDecoder.STEPS).generate(prompt, GenerationConfig.greedy(12), null, null)
                        .tokenIds();
                long[] libtorch = new Generator(tuned.model(), null, Set.of(), null)
                        .generate(prompt, GenerationConfig.greedy(12), null, null).tokenIds();
                assertArrayEquals(libtorch, fast, format + ": the packed kernels decode what libtorch computes from the expanded weights");
                long[] untuned = new Generator(base.model(), null, Set.of(), FastDecoder.STEPS).generate(prompt, GenerationConfig.greedy(12), null, null)
                        .tokenIds();
                assertNotEquals(java.util.Arrays.toString(untuned), java.util.Arrays.toString(fast), "the adapter changes the output");
            }
        }
    }

    @Test
    void aQuantizedModelCannotBeSavedAsIfItWereTheOriginal() throws Exception {
        Path model = TinyModels.writeRandom(dir.resolve("m"), TinyModels.llama(false, false, 4, 2), 3, 1f);
        try (LocalLanguageModel q = LocalLanguageModel.load(model, WeightFormat.INT8)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> q.model().save(dir.resolve("out")));
            assertTrue(e.getMessage().contains("quantized"), e.getMessage());
            assertEquals(TinyModels.llama(false, false, 4, 2).vocabSize, q.model().config().vocabSize);
        }
    }
}
