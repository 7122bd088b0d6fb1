package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BertConfig;
import ai.hybridchat.core.encoder.BertModel;
import ai.hybridchat.core.encoder.BertSequenceClassifier;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.tuning.encoder.ClassifierBatches;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The classifier method's training step on all-MiniLM-L6-v2's shape, timed: every weight of the
 * encoder and a new head trained (full fine-tuning) through the real {@link TrainingLoop}
 * (forward, cross-entropy, backward, clipped AdamW), a fixed batch of random token ids with every
 * position real. Steps after the warm-up are timed between the loop's own step reports.
 */
final class EncoderTrainingBenchmark {
    record Result(int batch, int length, long parameters, double tokensPerSecond, double flopsPerToken) {
    }

    static final int LABELS = 10;

    private EncoderTrainingBenchmark() {
    }

    static Result run(int batch, int length, int warmup, int steps) {
        try (NDManager manager = NDManager.newBaseManager();
             SentenceEncoder pretrained = BundledEncoder.ALL_MINILM_L6_V2.load(manager);
             BertModel model = RandomEncoder.model(pretrained.model(), 1, manager)) {
            BertSequenceClassifier classifier = BertSequenceClassifier.withNewHead(model, LABELS, 2);
            List<NDArray> params = new ArrayList<>(model.parameters().values());
            params.addAll(classifier.headParameters());
            BertConfig c = model.config();
            Random random = new Random(3);
            long[] ids = new long[batch * length];
            long[] targets = new long[batch * length];
            for (int b = 0; b < batch; b++) {
                int label = random.nextInt(LABELS);
                for (int t = 0; t < length; t++) {
                    ids[b * length + t] = t == 0 ? 101 : 1000 + random.nextInt(c.vocabSize - 1000);
                    targets[b * length + t] = label;
                }
            }
            float[] mask = new float[batch * length];
            Arrays.fill(mask, 1f);
            TokenBatch tokens = new TokenBatch(ids, targets, mask, batch, length);
            long[] stamps = new long[warmup + steps];
            TrainingLoop loop = new TrainingLoop(params, (b, m) -> ClassifierBatches.loss(classifier, b, m),
                    new LearningRateSchedule(5e-5, 0, warmup + steps, 0.1), 0.0, 1);
            loop.run(i -> tokens, null, 0, r -> stamps[r.step() - 1] = System.nanoTime(), null);
            double seconds = (stamps[warmup + steps - 1] - stamps[warmup - 1]) / 1e9;
            long count = params.stream().mapToLong(p -> p.getShape().size()).sum();
            return new Result(batch, length, count, (double) steps * batch * length / seconds, flopsPerToken(c, length));
        }
    }

    /**
     * Model FLOPs of one token of full training: 6 per weight of every projection (2 forward, 4
     * backward: to the activations and to the weight), and attention's QK^T and AV (4 x length x
     * hidden per layer forward) three times over; embedding lookups, norms, softmax and the head on
     * the first token are left out, as the usual count (Kaplan et al.; PaLM's MFU) leaves them.
     */
    static double flopsPerToken(BertConfig c, int length) {
        long h = c.hiddenSize;
        double projections = c.numHiddenLayers * (4.0 * h * h + 2.0 * h * c.intermediateSize);
        double attention = c.numHiddenLayers * 4.0 * length * h;
        return 6 * projections + 3 * attention;
    }
}
