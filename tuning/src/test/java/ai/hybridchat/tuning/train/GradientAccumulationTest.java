package ai.hybridchat.tuning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two micro batches of one row each make the same step as one batch of both rows. */
public class GradientAccumulationTest {
    static final long[][] ROWS = {{3, 9, 4, 17, 5, 2, 11}, {8, 1, 12, 6, 19, 7, 13}};

    public static LlamaConfig config() {
        LlamaConfig c = new LlamaConfig();
        c.hiddenSize = 32;
        c.intermediateSize = 64;
        c.numHiddenLayers = 1;
        c.numAttentionHeads = 4;
        c.numKeyValueHeads = 2;
        c.vocabSize = 24;
        c.maxPositionEmbeddings = 32;
        return c;
    }

    static TokenBatch batch(long[]... rows) {
        int length = rows[0].length - 1;
        long[] in = new long[rows.length * length];
        long[] target = new long[rows.length * length];
        float[] mask = new float[rows.length * length];
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < length; k++) {
                in[r * length + k] = rows[r][k];
                target[r * length + k] = rows[r][k + 1];
                mask[r * length + k] = 1f;
            }
        }
        return new TokenBatch(in, target, mask, rows.length, length);
    }

    static double reportedLoss;

    static float[] oneStep(int accumulation) {
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(config(), 5, manager)) {
            List<NDArray> params = new ArrayList<>(new LinkedHashSet<>(model.weights().values()));
            TrainingLoop loop = new TrainingLoop(params, (b, m) -> CrossEntropy.masked(model.forward(b.inputArray(m), null, false),
                    b.targetArray(m), b.maskArray(m)), new LearningRateSchedule(1e-2, 0, 1, 1.0), 0.0, accumulation);
            loop.run(i -> accumulation == 1 ? batch(ROWS) : batch(ROWS[i]), null, 0, r -> reportedLoss = r.loss(), null);
            return model.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
        }
    }

    @Test
    void accumulatedMicroBatchesMakeTheStepOfTheWholeBatch() {
        float[] whole = oneStep(1);
        double wholeLoss = reportedLoss;
        float[] accumulated = oneStep(2);
        // Adam's step hardly depends on the gradient's scale, so check the loss scaling directly
        assertEquals(wholeLoss, reportedLoss, 1e-5, "the step's loss is the mean over both micro batches");
        float[] untouched;
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(config(), 5, manager)) {
            untouched = model.weights().get("model.layers.0.mlp.up_proj.weight").toFloatArray();
        }
        double moved = 0;
        for (int i = 0; i < whole.length; i++) {
            assertEquals(whole[i], accumulated[i], 1e-6, "weight " + i);
            moved += Math.abs(whole[i] - untouched[i]);
        }
        assertEquals(true, moved > 1e-3, "the step changed the weights");
    }
}
