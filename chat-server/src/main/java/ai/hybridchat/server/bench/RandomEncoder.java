package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.hybridchat.core.encoder.BertModel;
import ai.hybridchat.core.encoder.SentenceEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The control of the seed's thesis: a pretrained encoder's architecture and tokenizer with every
 * weight drawn afresh as Hugging Face's {@code BertPreTrainedModel._init_weights} draws them
 * (linear and embedding weights normal with standard deviation 0.02, biases zero, layer norms one
 * and zero, the padding token's embedding zero), so "pretrained" is the only difference.
 */
final class RandomEncoder {
    static final double INITIALIZER_RANGE = 0.02;

    private RandomEncoder() {
    }

    /** Writes a sentence-transformers folder of {@code pretrained}'s shape with random weights. */
    static void write(SentenceEncoder pretrained, long seed, Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(); BertModel model = model(pretrained.model(), seed, manager)) {
            new SentenceEncoder(model, pretrained.tokenizerJson(), pretrained.pooling()).save(dir);
        }
    }

    /** A model of {@code like}'s shape with freshly drawn weights, in {@code manager}. */
    static BertModel model(BertModel like, long seed, NDManager manager) {
        Random random = new Random(seed);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        like.parameters().forEach((name, w) -> weights.put(name, draw(name, w, random, manager)));
        weights.get("embeddings.word_embeddings.weight").set(new NDIndex(like.config().padTokenId), 0f);
        return BertModel.fromWeights(like.config(), weights, manager);
    }

    private static NDArray draw(String name, NDArray like, Random random, NDManager manager) {
        int n = Math.toIntExact(like.getShape().size());
        float[] values = new float[n];
        if (name.endsWith("LayerNorm.weight")) {
            Arrays.fill(values, 1f);
        } else if (!name.endsWith(".bias")) {
            for (int i = 0; i < n; i++) {
                values[i] = (float) (random.nextGaussian() * INITIALIZER_RANGE);
            }
        }
        return manager.create(values, like.getShape());
    }
}
