package ai.hybridchat.tuning.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.hybridchat.core.encoder.BertModel;
import ai.hybridchat.core.encoder.Pooling;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.ClasspathFolder;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.tuning.train.TokenBatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss and its gradients against plain PyTorch: {@code reference/make_mnrl_reference.py}
 * (platform-core's test resources) computed them on the random BERT of the encoder's reference
 * test, for three queries, their positives and three hard negatives.
 */
class MultipleNegativesRankingLossTest {
    @TempDir Path dir;

    @Test
    void lossAndGradientsEqualPyTorch() throws Exception {
        Path bert = dir.resolve("bert-tiny");
        new ClasspathFolder("reference/bert-tiny").copyTo(bert);
        JsonNode ref = Json.MAPPER.readTree(bert.resolve("mnrl.json").toFile());
        JsonNode rows = ref.get("rows");
        int t = 0;
        for (JsonNode r : rows) {
            t = Math.max(t, r.size());
        }
        long[] inputs = new long[rows.size() * t];
        float[] mask = new float[inputs.length];
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < rows.get(r).size(); i++) {
                inputs[r * t + i] = rows.get(r).get(i).asLong();
                mask[r * t + i] = 1f;
            }
        }
        TokenBatch batch = new TokenBatch(inputs, new long[inputs.length], mask, rows.size(), t);
        boolean gradMode = true;
        try (NDManager manager = NDManager.newBaseManager();
             SentenceEncoder encoder = new SentenceEncoder(BertModel.load(bert, manager), TinyEncoders.tokenizer(), Pooling.MEAN)) {
            Map<String, NDArray> params = encoder.model().parameters();
            gradMode = JniUtils.isGradMode(); // the engine is loaded by now
            JniUtils.setGradMode(false);
            params.values().forEach(p -> p.setRequiresGradient(true));
            float loss;
            try (NDManager step = manager.newSubManager(); GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray l = new MultipleNegativesRankingLoss(encoder, 3).loss(batch, step);
                loss = l.getFloat();
                collector.backward(l);
            }
            assertEquals(ref.get("loss").asDouble(), loss, 1e-5);
            var gradients = ref.get("gradients").fields();
            while (gradients.hasNext()) {
                var e = gradients.next();
                float[] ours = params.get(e.getKey()).getGradient().toFloatArray();
                assertEquals(e.getValue().size(), ours.length, e.getKey());
                double worst = 0;
                for (int i = 0; i < ours.length; i++) {
                    worst = Math.max(worst, Math.abs(ours[i] - e.getValue().get(i).asDouble()));
                }
                assertEquals(0, worst, 1e-5, e.getKey() + ": largest difference; ours begin " + Arrays.toString(Arrays.copyOf(ours, 4)));
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
