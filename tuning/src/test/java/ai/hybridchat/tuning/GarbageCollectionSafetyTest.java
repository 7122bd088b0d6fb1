package ai.hybridchat.tuning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.CrossEntropy;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Regression test: tensors that autograd keeps for the backward pass must not live in Java
 * buffers that the garbage collector can free mid-step. The loss function below forces a
 * collection between forward and backward and then fills fresh direct buffers with NaN bytes,
 * so any freed memory the backward pass still reads is poisoned and shows up in the gradients.
 */
class GarbageCollectionSafetyTest {
    @Test
    void gradientsStayFiniteWhenMemoryIsCollectedBetweenForwardAndBackward() {
        LlamaConfig c = new LlamaConfig();
        c.hiddenSize = 32;
        c.intermediateSize = 64;
        c.numHiddenLayers = 2;
        c.numAttentionHeads = 4;
        c.numKeyValueHeads = 2;
        c.vocabSize = 64;
        c.maxPositionEmbeddings = 64;
        c.tieWordEmbeddings = true;
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(c, 1, manager)) {
            List<LoraLinear> loras = LoraInjector.inject(model, List.of("q_proj", "v_proj", "down_proj"), 4, 8, 0, 1, model.manager());
            List<NDArray> params = new ArrayList<>(new java.util.LinkedHashSet<>(model.weights().values()));
            loras.forEach(l -> {
                params.add(l.loraA());
                params.add(l.loraB());
            });
            List<Double> norms = new ArrayList<>();
            TrainingLoop loop = new TrainingLoop(params, (batch, m) -> {
                NDArray loss = CrossEntropy.masked(model.forward(batch.inputArray(m), null, false),
                        batch.targetArray(m), batch.maskArray(m));
                System.gc();
                poisonFreedMemory();
                return loss;
            }, new LearningRateSchedule(1e-3, 1, 12, 1.0), 0.0, 2);
            Random random = new Random(5);
            TrainingLoop.Result result = loop.run(i -> batch(random), null, 0, r -> norms.add(r.gradNorm()), null);
            assertTrue(Double.isFinite(result.finalTrainLoss()), "loss " + result.finalTrainLoss());
            assertTrue(norms.stream().allMatch(Double::isFinite), "gradient norms " + norms);
        }
    }

    private static void poisonFreedMemory() {
        for (int i = 0; i < 64; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4096);
            while (b.hasRemaining()) {
                b.putInt(0x7FC00000); // a float NaN
            }
        }
    }

    private static TokenBatch batch(Random random) {
        int b = 2;
        int t = 16;
        long[] in = new long[b * t];
        long[] target = new long[b * t];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(64);
            target[i] = (in[i] + 1) % 64;
        }
        float[] mask = new float[b * t];
        Arrays.fill(mask, 1f);
        return new TokenBatch(in, target, mask, b, t);
    }

}
