package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.hybridchat.core.model.Linear;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (Devlin et al., 2019) on DJL's PyTorch engine, as Hugging Face's {@code BertModel}
 * defines it: word, position and token-type embeddings summed and normalised, then
 * {@link EncoderLayer}s; the output is the last hidden state of every token (pooling is the
 * caller's: {@link SentenceEncoder}). Weights keep their Hugging Face names; a checkpoint comes
 * from a Hugging Face folder ({@code config.json} + {@code model.safetensors}, with or without a
 * task model's {@code bert.} prefix) or from an ONNX export ({@link OnnxBertWeights}), and is
 * written as the former.
 */
public final class BertModel implements AutoCloseable {
    private final BertConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final NDArray wordEmbeddings;
    private final NDArray positionEmbeddings;
    private final NDArray tokenTypeEmbeddings;
    private final LayerNorm embeddingNorm;
    private final List<EncoderLayer> layers = new ArrayList<>();

    private BertModel(BertConfig config, Map<String, NDArray> weights, NDManager manager) {
        this.config = config.validated("BERT config");
        this.manager = manager;
        this.weights = weights;
        int h = config.hiddenSize;
        this.wordEmbeddings = require("embeddings.word_embeddings.weight", config.vocabSize, h);
        this.positionEmbeddings = require("embeddings.position_embeddings.weight", config.maxPositionEmbeddings, h);
        this.tokenTypeEmbeddings = require("embeddings.token_type_embeddings.weight", config.typeVocabSize, h);
        this.embeddingNorm = norm("embeddings.LayerNorm");
        for (int i = 0; i < config.numHiddenLayers; i++) {
            String p = "encoder.layer." + i + ".";
            Map<String, Projection> proj = new LinkedHashMap<>();
            proj.put("attention.self.query", linear(p + "attention.self.query", h, h));
            proj.put("attention.self.key", linear(p + "attention.self.key", h, h));
            proj.put("attention.self.value", linear(p + "attention.self.value", h, h));
            proj.put("attention.output.dense", linear(p + "attention.output.dense", h, h));
            proj.put("intermediate.dense", linear(p + "intermediate.dense", config.intermediateSize, h));
            proj.put("output.dense", linear(p + "output.dense", h, config.intermediateSize));
            layers.add(new EncoderLayer(i, config, proj, norm(p + "attention.output.LayerNorm"), norm(p + "output.LayerNorm")));
        }
    }

    /** Loads a Hugging Face folder: {@code config.json} and safetensors weights. */
    public static BertModel load(Path dir, NDManager parent) throws IOException {
        BertConfig config = BertConfig.read(dir);
        NDManager manager = parent.newSubManager();
        try {
            return new BertModel(config, withoutTaskPrefix(Safetensors.readModel(dir, manager)), manager);
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    /** Reads the weights of a BERT exported to ONNX; the file does not say how many heads, so {@code config} does. */
    public static BertModel fromOnnx(byte[] onnx, BertConfig config, NDManager parent) {
        NDManager manager = parent.newSubManager();
        try {
            return new BertModel(config, withoutTaskPrefix(OnnxBertWeights.read(OnnxGraph.parse(onnx), manager)), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Builds a model from tensors in memory (Hugging Face names); the model owns {@code manager}. */
    public static BertModel fromWeights(BertConfig config, Map<String, NDArray> weights, NDManager manager) {
        return new BertModel(config, weights, manager);
    }

    /**
     * The last hidden state {@code [B, T, H]}.
     *
     * @param inputIds      {@code [B, T]} token ids
     * @param tokenTypeIds  {@code [B, T]} segment ids, or null for all zeros
     * @param attentionMask {@code [B, T]} 1 for tokens, 0 for padding, or null for no padding
     */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask) {
        Shape shape = inputIds.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [batch, tokens], got " + shape);
        }
        long t = shape.get(1);
        if (t > config.maxPositionEmbeddings) {
            throw new IllegalArgumentException(t + " tokens, more than the model's " + config.maxPositionEmbeddings + " positions");
        }
        NDManager m = inputIds.getManager();
        NDArray ids = inputIds.toType(DataType.INT64, false);
        NDArray x = lookup(wordEmbeddings, ids);
        NDArray positions = m.arange(0, (int) t, 1, DataType.INT64).reshape(1, t);
        x = x.add(lookup(positionEmbeddings, positions));
        NDArray types = tokenTypeIds == null ? m.zeros(shape, DataType.INT64) : tokenTypeIds.toType(DataType.INT64, false);
        x = embeddingNorm.forward(x.add(lookup(tokenTypeEmbeddings, types)));
        NDArray mask = null;
        if (attentionMask != null) {
            // (1 - mask) * lowest float, broadcast over heads and queries, as Hugging Face's extended mask
            mask = attentionMask.toType(DataType.FLOAT32, false).neg().add(m.create(1f))
                    .mul(m.create(-Float.MAX_VALUE)).reshape(shape.get(0), 1, 1, t);
        }
        for (EncoderLayer layer : layers) {
            x = layer.forward(x, mask);
        }
        return x;
    }

    private static NDArray lookup(NDArray table, NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Writes the model as a Hugging Face folder: {@code config.json} and {@code model.safetensors} (F32). */
    public void save(Path dir) throws IOException {
        save(dir, Map.of(), "");
    }

    /**
     * As {@link #save(Path)}, the encoder's tensors under {@code prefix} ({@code "bert."} in a task
     * model's folder) and {@code extraTensors} (a task head) beside them.
     */
    public void save(Path dir, Map<String, NDArray> extraTensors, String prefix) throws IOException {
        config.write(dir);
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters().forEach((name, w) -> out.put(prefix + name, w));
        out.putAll(extraTensors);
        Safetensors.write(dir.resolve("model.safetensors"), out, Map.of(), false);
    }

    /**
     * Every weight of the encoder under its Hugging Face name, in checkpoint order: what full
     * fine-tuning trains (the arrays themselves, so an update is seen by the next forward pass).
     */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("embeddings.word_embeddings.weight", wordEmbeddings);
        out.put("embeddings.position_embeddings.weight", positionEmbeddings);
        out.put("embeddings.token_type_embeddings.weight", tokenTypeEmbeddings);
        out.put("embeddings.LayerNorm.weight", embeddingNorm.weight());
        out.put("embeddings.LayerNorm.bias", embeddingNorm.bias());
        for (EncoderLayer layer : layers) {
            String p = "encoder.layer." + layer.index() + ".";
            for (String name : EncoderLayer.PROJECTIONS) {
                Projection projection = layer.projection(name);
                if (!(projection instanceof Linear linear)) {
                    throw new IllegalStateException(p + name + " is wrapped (" + projection.getClass().getSimpleName()
                            + "): merge or remove the adapter before reading the plain weights");
                }
                out.put(p + name + ".weight", linear.weight());
                out.put(p + name + ".bias", linear.bias());
            }
            out.put(p + "attention.output.LayerNorm.weight", layer.attentionNorm().weight());
            out.put(p + "attention.output.LayerNorm.bias", layer.attentionNorm().bias());
            out.put(p + "output.LayerNorm.weight", layer.outputNorm().weight());
            out.put(p + "output.LayerNorm.bias", layer.outputNorm().bias());
        }
        return out;
    }

    /** A tensor of the checkpoint this model was read from, by its name without a task prefix (the pooler's, say), or null. */
    public NDArray checkpointTensor(String name) {
        return weights.get(name);
    }

    /** Task models ({@code BertForSequenceClassification}, ...) keep the encoder under {@code bert.}. */
    private static Map<String, NDArray> withoutTaskPrefix(Map<String, NDArray> weights) {
        if (!weights.keySet().stream().anyMatch(k -> k.startsWith("bert."))) {
            return weights;
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k.startsWith("bert.") ? k.substring(5) : k, v));
        return out;
    }

    private Linear linear(String name, int out, int in) {
        return new Linear(require(name + ".weight", out, in), require(name + ".bias", out));
    }

    private LayerNorm norm(String name) {
        return new LayerNorm(require(name + ".weight", config.hiddenSize), require(name + ".bias", config.hiddenSize),
                config.layerNormEps);
    }

    private NDArray require(String name, long... dims) {
        NDArray w = weights.get(name);
        if (w == null) {
            throw new ModelFormatException("missing tensor " + name);
        }
        if (!w.getShape().equals(new Shape(dims))) {
            throw new ModelFormatException("tensor " + name + " has shape " + w.getShape() + ", the config says " + Arrays.toString(dims));
        }
        return w.getDataType() == DataType.FLOAT32 ? w : w.toType(DataType.FLOAT32, false);
    }

    public BertConfig config() {
        return config;
    }

    public List<EncoderLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
