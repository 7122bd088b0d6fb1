package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.encoder.BertModel;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.Scalars;
import ai.hybridchat.tuning.train.TokenBatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hugging Face's {@code BertForSequenceClassification} on a {@link BertModel}: the first
 * token's last hidden state through the pooler ({@code pooler.dense}, tanh) and a new linear
 * {@code classifier} over the labels. The pooler comes from the checkpoint when it has one; a new
 * pooler and the classifier start as Hugging Face initialises them (normal, standard deviation
 * 0.02, zero bias). Batches: right-padded ids, the mask marking real tokens, the label in every
 * target of its row.
 */
final class EncoderClassifier {
    static final String POOLER_WEIGHT = "pooler.dense.weight";
    static final String POOLER_BIAS = "pooler.dense.bias";
    static final String CLASSIFIER_WEIGHT = "classifier.weight";
    static final String CLASSIFIER_BIAS = "classifier.bias";
    static final double INITIALIZER_RANGE = 0.02;

    private final BertModel encoder;
    private final NDArray poolerWeight;
    private final NDArray poolerBias;
    private final NDArray classifierWeight;
    private final NDArray classifierBias;
    private final boolean pretrainedPooler;

    private EncoderClassifier(BertModel encoder, NDArray poolerWeight, NDArray poolerBias, NDArray classifierWeight,
                              NDArray classifierBias, boolean pretrainedPooler) {
        this.encoder = encoder;
        this.poolerWeight = poolerWeight;
        this.poolerBias = poolerBias;
        this.classifierWeight = classifierWeight;
        this.classifierBias = classifierBias;
        this.pretrainedPooler = pretrainedPooler;
    }

    static EncoderClassifier withNewHead(BertModel encoder, int labels, long seed) {
        NDManager m = encoder.manager();
        int h = encoder.config().hiddenSize;
        Random random = new Random(seed);
        NDArray pw = encoder.checkpointTensor(POOLER_WEIGHT);
        NDArray pb = encoder.checkpointTensor(POOLER_BIAS);
        boolean pretrained = pw != null && pb != null && pw.getShape().equals(new Shape(h, h));
        if (!pretrained) {
            pw = normal(m, random, h, h);
            pb = m.zeros(new Shape(h));
        } else {
            pw = pw.toType(DataType.FLOAT32, true);
            pb = pb.toType(DataType.FLOAT32, true);
        }
        return new EncoderClassifier(encoder, pw, pb, normal(m, random, labels, h), m.zeros(new Shape(labels)), pretrained);
    }

    /**
     * A {@code BertForSequenceClassification} folder as Hugging Face writes it (and
     * {@link ClassifierMethod} does): the encoder, its pooler and the classifier, with the labels
     * of {@code id2label} in index order.
     */
    record Loaded(EncoderClassifier classifier, List<String> labels) {
    }

    static Loaded load(Path dir, NDManager parent) throws IOException {
        BertModel encoder = BertModel.load(dir, parent);
        try {
            JsonNode id2label = Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("id2label");
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < id2label.size(); i++) {
                if (!id2label.has(String.valueOf(i))) {
                    throw new ModelFormatException(dir + "/config.json: id2label has no label " + i);
                }
                labels.add(id2label.get(String.valueOf(i)).asText());
            }
            NDArray[] head = new NDArray[4];
            String[] names = {POOLER_WEIGHT, POOLER_BIAS, CLASSIFIER_WEIGHT, CLASSIFIER_BIAS};
            for (int i = 0; i < names.length; i++) {
                head[i] = encoder.checkpointTensor(names[i]);
                if (head[i] == null) {
                    throw new ModelFormatException(dir + ": a sequence classifier needs the tensor " + names[i]);
                }
                head[i] = head[i].toType(DataType.FLOAT32, false);
            }
            if (head[2].getShape().get(0) != labels.size()) {
                throw new ModelFormatException(dir + ": " + head[2].getShape().get(0) + " classifier rows but "
                        + labels.size() + " labels in id2label");
            }
            return new Loaded(new EncoderClassifier(encoder, head[0], head[1], head[2], head[3], true), labels);
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    BertModel encoder() {
        return encoder;
    }

    boolean pretrainedPooler() {
        return pretrainedPooler;
    }

    /** The head's tensors under their Hugging Face names (the encoder's go under {@code bert.}). */
    Map<String, NDArray> headTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("bert." + POOLER_WEIGHT, poolerWeight);
        out.put("bert." + POOLER_BIAS, poolerBias);
        out.put(CLASSIFIER_WEIGHT, classifierWeight);
        out.put(CLASSIFIER_BIAS, classifierBias);
        return out;
    }

    List<NDArray> headParameters() {
        return List.of(poolerWeight, poolerBias, classifierWeight, classifierBias);
    }

    /** Logits {@code [B, labels]}. */
    NDArray logits(TokenBatch batch, NDManager m) {
        NDArray mask = batch.maskArray(m).toType(DataType.INT64, false);
        NDArray hidden = encoder.forward(batch.inputArray(m), null, mask);
        NDArray first = hidden.get(new NDIndex(":, 0, :"));
        NDArray pooled = first.matMul(poolerWeight.transpose()).add(poolerBias).tanh();
        return pooled.matMul(classifierWeight.transpose()).add(classifierBias);
    }

    /** Mean cross-entropy of the rows' labels. */
    NDArray loss(TokenBatch batch, NDManager m) {
        NDArray logp = logits(batch, m).logSoftmax(1);
        long labels = classifierWeight.getShape().get(0);
        long[] gold = labels(batch);
        float[] onehot = new float[(int) (gold.length * labels)];
        for (int b = 0; b < gold.length; b++) {
            onehot[(int) (b * labels + gold[b])] = 1f;
        }
        return logp.mul(m.create(onehot, new Shape(gold.length, labels))).sum().div(Scalars.like(logp, -gold.length));
    }

    int[] predict(TokenBatch batch, NDManager m) {
        long[] best = logits(batch, m).argMax(1).toLongArray();
        int[] out = new int[best.length];
        for (int i = 0; i < best.length; i++) {
            out[i] = (int) best[i];
        }
        return out;
    }

    static long[] labels(TokenBatch batch) {
        long[] gold = new long[batch.batch()];
        for (int b = 0; b < gold.length; b++) {
            gold[b] = batch.targets()[b * batch.length()];
        }
        return gold;
    }

    private static NDArray normal(NDManager m, Random random, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * INITIALIZER_RANGE);
        }
        return m.create(v, new Shape(rows, cols));
    }
}
