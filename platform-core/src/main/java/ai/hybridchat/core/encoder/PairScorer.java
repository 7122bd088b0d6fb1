package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cross-encoder reranker (Nogueira and Cho, 2019) read from a one-label
 * {@code BertForSequenceClassification} folder, as sentence-transformers' {@code CrossEncoder}
 * saves one and {@code tune --method reranker} writes: the query and a passage in one input
 * ({@link SentenceEncoder#pairIds(String, String, int)}), its logit their relevance. Thread-safe.
 */
public final class PairScorer implements AutoCloseable {
    private static final int BATCH = 16;
    /** Tokens of a query and passage together, in training and in reranking. */
    public static final int DEFAULT_MAX_LENGTH = 256;

    private final BertSequenceClassifier classifier;
    private final SentenceEncoder text;
    private final int maxLength;
    private final String name;

    private PairScorer(BertSequenceClassifier classifier, SentenceEncoder text, int maxLength, String name) {
        this.classifier = classifier;
        this.text = text;
        this.maxLength = maxLength;
        this.name = name;
    }

    /** {@code maxLength}: tokens of a query and passage together. */
    public static PairScorer load(Path dir, int maxLength, NDManager parent) throws IOException {
        Path tok = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tok)) {
            throw new ModelFormatException("missing " + tok + " (a reranker folder needs its tokenizer.json)");
        }
        BertSequenceClassifier.Loaded loaded = BertSequenceClassifier.load(dir, parent);
        if (loaded.labels().size() != 1) {
            loaded.classifier().close();
            throw new ModelFormatException(dir + " has " + loaded.labels().size() + " labels; a reranker has one (its relevance score)");
        }
        // the encoder's tokenizer over the classifier's own weights: one model, closed once (by close())
        SentenceEncoder text = new SentenceEncoder(loaded.classifier().encoder(), Files.readAllBytes(tok), Pooling.MEAN);
        return new PairScorer(loaded.classifier(), text, maxLength, dir.toAbsolutePath().normalize().getFileName().toString());
    }

    /** The relevance of each passage to {@code query}, in order. */
    public double[] score(String query, List<String> passages) {
        double[] out = new double[passages.size()];
        for (int from = 0; from < passages.size(); from += BATCH) {
            int to = Math.min(passages.size(), from + BATCH);
            List<SentenceEncoder.PairIds> rows = new ArrayList<>();
            for (int i = from; i < to; i++) {
                rows.add(text.pairIds(query, passages.get(i), maxLength));
            }
            PaddedIds padded = PaddedIds.of(rows.stream().map(SentenceEncoder.PairIds::ids).toList(),
                    rows.stream().map(SentenceEncoder.PairIds::typeIds).toList(), classifier.encoder().config().padTokenId);
            try (NDManager step = classifier.encoder().manager().newSubManager()) {
                Shape shape = new Shape(padded.rows(), padded.length());
                float[] logits = classifier.logits(step.create(padded.ids(), shape), step.create(padded.types(), shape),
                        step.create(padded.mask(), shape)).toFloatArray();
                for (int b = 0; b < logits.length; b++) {
                    out[from + b] = logits[b];
                }
            }
        }
        return out;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        text.close();
    }
}
