package ai.hybridchat.tuning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blocked loss is the whole-logits loss: same value, same gradients. */
class CrossEntropyTest {
    static final int BATCH = 3;
    static final int LENGTH = 200;

    static LlamaConfig config(boolean tied) {
        LlamaConfig c = GradientAccumulationTest.config();
        // 16 MiB of logits hold 512 positions of an 8,192-token vocabulary: 600 positions make two blocks
        c.vocabSize = 8192;
        c.maxPositionEmbeddings = LENGTH;
        c.tieWordEmbeddings = tied;
        return c;
    }

    @Test
    void blocksOfPositionsGiveTheLossAndGradientsOfTheWholeLogits() {
        for (boolean tied : new boolean[] {true, false}) {
            float[][] whole = lossAndGradient(tied, false);
            float[][] blocked = lossAndGradient(tied, true);
            assertEquals(whole[0][0], blocked[0][0], 1e-5, "loss, tied " + tied);
            assertTrue(whole[0][0] > 8.5, "a random model is near ln(8192) = 9.0: " + whole[0][0]);
            for (int g = 1; g < whole.length; g++) {
                for (int i = 0; i < whole[g].length; i++) {
                    assertEquals(whole[g][i], blocked[g][i], 1e-6 + 1e-4 * Math.abs(whole[g][i]), "gradient " + g + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void theLeastTargetProbabilityIsTheSmallestSoftmaxOfAKeptTarget() {
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(config(false), 5, manager)) {
            Random random = new Random(3);
            int length = 12;
            long[] ids = new long[2 * length];
            long[] targets = new long[2 * length];
            float[] mask = new float[2 * length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(8192);
                targets[i] = random.nextInt(8192);
                mask[i] = i % 3 == 0 ? 0f : 1f;
            }
            TokenBatch batch = new TokenBatch(ids, targets, mask, 2, length);
            double least = CrossEntropy.leastTargetProbability(model, batch, manager).probability();
            // the same from the whole logits, softmax by hand
            float[] logits = model.forward(batch.inputArray(manager), null, false).toType(DataType.FLOAT32, false).toFloatArray();
            double expected = 1;
            for (int pos = 0; pos < ids.length; pos++) {
                if (mask[pos] == 0) {
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < 8192; v++) {
                    max = Math.max(max, logits[pos * 8192 + v]);
                }
                double sum = 0;
                for (int v = 0; v < 8192; v++) {
                    sum += Math.exp(logits[pos * 8192 + v] - max);
                }
                expected = Math.min(expected, Math.exp(logits[pos * 8192 + (int) targets[pos]] - max) / sum);
            }
            assertEquals(expected, least, 1e-6 + 1e-3 * expected);
        }
    }

    private static float[][] lossAndGradient(boolean tied, boolean blocked) {
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(config(tied), 7, manager)) {
            NDArray embedding = model.weights().get("model.embed_tokens.weight");
            NDArray up = model.weights().get("model.layers.0.mlp.up_proj.weight");
            embedding.setRequiresGradient(true);
            up.setRequiresGradient(true);
            Random random = new Random(11);
            long[] ids = new long[BATCH * LENGTH];
            long[] targets = new long[BATCH * LENGTH];
            float[] mask = new float[BATCH * LENGTH];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(8192);
                targets[i] = random.nextInt(8192);
                mask[i] = i % 7 == 0 ? 0f : 1f;
            }
            try (NDManager step = manager.newSubManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray in = step.create(ids, new Shape(BATCH, LENGTH));
                NDArray out = step.create(targets, new Shape(BATCH, LENGTH));
                NDArray m = step.create(mask, new Shape(BATCH, LENGTH));
                NDArray loss = blocked ? CrossEntropy.nextToken(model, in, out, m)
                        : CrossEntropy.masked(model.forward(in, null, false), out, m);
                collector.backward(loss);
                return new float[][] {{loss.toType(DataType.FLOAT32, false).getFloat()},
                        embedding.getGradient().toFloatArray(), up.getGradient().toFloatArray()};
            }
        }
    }
}
