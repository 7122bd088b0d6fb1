package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
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
 * 0.02, zero bias). With one label it is a cross-encoder reranker, as sentence-transformers'
 * {@code CrossEncoder} saves one: the logit is the pair's relevance.
 */
public final class BertSequenceClassifier implements AutoCloseable {
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

    private BertSequenceClassifier(BertModel encoder, NDArray poolerWeight, NDArray poolerBias, NDArray classifierWeight,
                              NDArray classifierBias, boolean pretrainedPooler) {
        this.encoder = encoder;
        this.poolerWeight = poolerWeight;
        this.poolerBias = poolerBias;
        this.classifierWeight = classifierWeight;
        this.classifierBias = classifierBias;
        this.pretrainedPooler = pretrainedPooler;
    }

    public static BertSequenceClassifier withNewHead(BertModel encoder, int labels, long seed) {
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
        return new BertSequenceClassifier(encoder, pw, pb, normal(m, random, labels, h), m.zeros(new Shape(labels)), pretrained);
    }

    /** A classifier of given head tensors (an adapter's saved head, {@link EncoderLoraAdapter}). */
    static BertSequenceClassifier of(BertModel encoder, NDArray poolerWeight, NDArray poolerBias, NDArray classifierWeight,
                                     NDArray classifierBias) {
        return new BertSequenceClassifier(encoder, poolerWeight, poolerBias, classifierWeight, classifierBias, true);
    }

    /**
     * A {@code BertForSequenceClassification} folder as Hugging Face writes it (and
     * {@link ClassifierMethod} does): the encoder, its pooler and the classifier, with the labels
     * of {@code id2label} in index order.
     */
    public record Loaded(BertSequenceClassifier classifier, List<String> labels) {
    }

    public static Loaded load(Path dir, NDManager parent) throws IOException {
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
            return new Loaded(new BertSequenceClassifier(encoder, head[0], head[1], head[2], head[3], true), labels);
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    public BertModel encoder() {
        return encoder;
    }

    public boolean pretrainedPooler() {
        return pretrainedPooler;
    }

    /** The head's tensors under their Hugging Face names (the encoder's go under {@code bert.}). */
    public Map<String, NDArray> headTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("bert." + POOLER_WEIGHT, poolerWeight);
        out.put("bert." + POOLER_BIAS, poolerBias);
        out.put(CLASSIFIER_WEIGHT, classifierWeight);
        out.put(CLASSIFIER_BIAS, classifierBias);
        return out;
    }

    public List<NDArray> headParameters() {
        return List.of(poolerWeight, poolerBias, classifierWeight, classifierBias);
    }

    /** Logits {@code [B, labels]} of right-padded ids {@code [B, T]} and their attention mask (1 for a token). */
    public NDArray logits(NDArray ids, NDArray tokenTypes, NDArray attentionMask) {
        NDArray hidden = encoder.forward(ids, tokenTypes, attentionMask);
        NDArray first = hidden.get(new NDIndex(":, 0, :"));
        NDArray pooled = first.matMul(poolerWeight.transpose()).add(poolerBias).tanh();
        return pooled.matMul(classifierWeight.transpose()).add(classifierBias);
    }

    public int labels() {
        return (int) classifierWeight.getShape().get(0);
    }

    @Override
    public void close() {
        encoder.close();
    }

    private static NDArray normal(NDManager m, Random random, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * INITIALIZER_RANGE);
        }
        return m.create(v, new Shape(rows, cols));
    }
}
