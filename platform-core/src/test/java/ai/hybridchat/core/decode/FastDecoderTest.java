package ai.hybridchat.core.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.KvCache;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.quant.InferenceQuantizer;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.core.testing.DemoModel;
import ai.hybridchat.core.testing.TinyModels;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The vector-API decode path against libtorch's forward pass, the reference it must equal: the
 * same prompt prefilled on libtorch into two caches, then each new token fed to both, the fast
 * path's logits compared with {@code LlamaModel.forward}'s at every step.
 */
class FastDecoderTest {
    private static final float TOLERANCE = 2e-4f;

    @Test
    void theJvmUnderTestHasTheVectorApi() {
        // surefire passes --add-modules jdk.incubator.vector; without it every test below would check nothing
        assertTrue(VectorSupport.available());
    }

    @Test
    void multiHeadAttentionWithAnUntiedHeadEqualsLibtorch() {
        assertSameLogits(TinyModels.llama(false, false, 4, 4), false);
    }

    @Test
    void groupedQueryAttentionWithATiedHeadEqualsLibtorch() {
        assertSameLogits(TinyModels.llama(true, false, 4, 2), false);
    }

    @Test
    void qkvBiasAsQwen2EqualsLibtorch() {
        assertSameLogits(TinyModels.llama(false, true, 4, 2), false);
    }

    @Test
    void anUnmergedLoraAdapterEqualsLibtorch() {
        assertSameLogits(TinyModels.llama(false, true, 4, 2), true);
    }

    @Test
    void int8WeightsReadPackedEqualLibtorchOnTheSameWeightsExpanded() {
        for (boolean tied : new boolean[] {true, false}) {
            try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(tied, true, 4, 2), 8, m)) {
                InferenceQuantizer.quantize(model, WeightFormat.INT8);
                compare(model);
            }
        }
    }

    @Test
    void q4WeightsReadPackedEqualLibtorchOnTheSameWeightsExpanded() {
        for (boolean tied : new boolean[] {true, false}) {
            try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(tied, false, 4, 2), 8, m)) {
                InferenceQuantizer.quantize(model, WeightFormat.Q4);
                compare(model);
            }
        }
    }

    @Test
    void aLoraAdapterOnQuantizedWeightsEqualsLibtorch() {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(true, false, 4, 2), 8, m)) {
            InferenceQuantizer.quantize(model, WeightFormat.Q4);
            addLora(model, new Random(5));
            compare(model);
        }
    }

    @Test
    void aDisabledLoraAdapterIsLeftOutAsLibtorchLeavesItOut() {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, false, 4, 2), 7, m)) {
            addLora(model, new Random(3));
            for (DecoderLayer layer : model.layers()) {
                ((LoraLinear) layer.projection("self_attn.q_proj")).setEnabled(false);
                ((LoraLinear) layer.projection("self_attn.v_proj")).setEnabled(false);
            }
            compare(model);
        }
    }

    @Test
    void writesKeysAndValuesIntoTheCachesOwnMemory() {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, false, 4, 2), 11, m);
             KvCache cache = model.newCache(1, 8)) {
            NDArray keys = cache.keys(0);
            ByteBuffer view = DenseView.buffer(keys);
            assertNotNull(view);
            view.putFloat(0, 42.5f);
            assertEquals(42.5f, keys.toFloatArray()[0], "the buffer is the tensor's memory, not a copy");
        }
    }

    @Test
    void declinesWhatItCannotComputeExactly() {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(true, false, 4, 2), 5, m)) {
            assertNotNull(FastDecoder.of(model));
            ModelQuantizer.quantize(model, ModelQuantizer.Scheme.NF4);
            assertNull(FastDecoder.of(model), "a QLoRA base (4-bit projections, 16-bit embedding) is left to libtorch");
        }
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(true, false, 4, 2), 5, m)) {
            model.holdEmbeddingAs(DataType.FLOAT16);
            assertNull(FastDecoder.of(model), "a 16-bit embedding is left to libtorch");
        }
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, false, 4, 2), 5, m)) {
            DecoderLayer layer = model.layers().get(0);
            Projection q = layer.projection("self_attn.q_proj");
            LoraLinear lora = LoraLinear.initialised(q, 2, 4, 0.1f, new Random(1), model.manager());
            layer.replace("self_attn.q_proj", lora);
            lora.setTraining(true);
            assertNull(FastDecoder.of(model), "LoRA dropout in training mode is random: left to libtorch");
            lora.setTraining(false);
            assertNotNull(FastDecoder.of(model));
        }
    }

    @Test
    void refusesAStepPastTheCachesCapacity() {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(TinyModels.llama(false, false, 4, 2), 5, m);
             KvCache cache = model.newCache(1, 3)) {
            prefill(model, cache, new long[] {1, 2});
            FastDecoder.Session session = FastDecoder.of(model).start(cache);
            session.step(3);
            assertThrows(IllegalArgumentException.class, () -> session.step(4));
        }
    }

    @Test
    void greedyDecodingOfTheDemoModelChoosesTheSameTokensOnBothPaths() throws Exception {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(DemoModel.folder(), m)) {
            assertNotNull(FastDecoder.of(model), "the bundled model is one the fast path decodes");
            long[] prompt = {5, 17, 42, 99, 7, 300, 12, 8};
            GenerationConfig greedy = GenerationConfig.greedy(64);
            long[] fast = new Generator(model, null, Set.of(), FastDecoder.STEPS).generate(prompt, greedy, null, null).tokenIds();
            long[] libtorch = new Generator(model, null, Set.of(), null).generate(prompt, greedy, null, null).tokenIds();
            assertEquals(64, libtorch.length);
            assertArrayEquals(libtorch, fast);
        }
    }

    private static void assertSameLogits(LlamaConfig config, boolean lora) {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(config, 21, m)) {
            if (lora) {
                addLora(model, new Random(9));
            }
            compare(model);
        }
    }

    /** Prefills 5 tokens into two caches, then feeds 12 more to both paths and compares every step's logits. */
    private static void compare(LlamaModel model) {
        Random random = new Random(4);
        int vocab = model.config().vocabSize;
        long[] prompt = random.longs(5, 0, vocab).toArray();
        try (KvCache reference = model.newCache(1, 20); KvCache fastCache = model.newCache(1, 20)) {
            prefill(model, reference, prompt);
            prefill(model, fastCache, prompt);
            FastDecoder fast = FastDecoder.of(model);
            assertNotNull(fast);
            FastDecoder.Session session = fast.start(fastCache);
            for (int step = 0; step < 12; step++) {
                int token = random.nextInt(vocab);
                float[] expected = prefill(model, reference, new long[] {token});
                float[] actual = session.step(token);
                assertEquals(expected.length, actual.length);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], TOLERANCE, "step " + step + ", logit " + i);
                }
                assertEquals(reference.length(), fastCache.length());
            }
        }
    }

    private static float[] prefill(LlamaModel model, KvCache cache, long[] ids) {
        try (NDManager step = model.manager().newSubManager()) {
            return model.forward(step.create(ids, new Shape(1, ids.length)), cache, true).toFloatArray();
        }
    }

    /** LoRA rank 4 on q and v of every layer with B non-zero, so the update changes the logits. */
    private static void addLora(LlamaModel model, Random random) {
        for (DecoderLayer layer : model.layers()) {
            for (String name : new String[] {"self_attn.q_proj", "self_attn.v_proj"}) {
                Projection base = layer.projection(name);
                long out = base.shape().get(0);
                long in = base.shape().get(1);
                NDArray a = model.manager().create(gaussian(random, 4 * in), new Shape(4, in));
                NDArray b = model.manager().create(gaussian(random, out * 4), new Shape(out, 4));
                layer.replace(name, new LoraLinear(base, a, b, 8, 0f));
            }
        }
    }

    private static float[] gaussian(Random random, long n) {
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * 0.3);
        }
        return data;
    }
}
