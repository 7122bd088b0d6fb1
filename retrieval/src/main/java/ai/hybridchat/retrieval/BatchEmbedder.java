package ai.hybridchat.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns queries and passages into float vectors with an {@link EmbeddingModel}, a batch per model
 * call.
 *
 * <p>A passage is embedded as the mean of its windows: a passage of more than
 * {@value #WINDOW_WORDS} words is cut into the fewest windows of equal length that are at most that
 * long, each window is embedded, and the passage's vector is their normalised mean. Why: the
 * in-process all-MiniLM-L6-v2 reads at most 128 tokens (its {@code tokenizer.json} truncates there)
 * and was trained on sentence-length texts, so one vector of a long passage sees only its start,
 * and not at its best. On CISI (abstracts of 127 words on average) the mean of windows takes dense
 * nDCG@10 from 0.414 to 0.427 and hybrid from 0.459 to 0.468; docs/BENCHMARKS.md has the window
 * sizes measured. A query stays one text: windowing queries measured worse (0.462).
 */
public final class BatchEmbedder {
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** The longest window of a passage, in words: some 95 WordPiece tokens of English prose. */
    public static final int WINDOW_WORDS = 70;

    private final EmbeddingModel model;
    private final int batchSize;
    private final int dimension;

    public BatchEmbedder(EmbeddingModel model) {
        this(model, DEFAULT_BATCH_SIZE);
    }

    public BatchEmbedder(EmbeddingModel model, int batchSize) {
        this.model = Objects.requireNonNull(model, "model");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
        }
        this.batchSize = batchSize;
        this.dimension = model.dimension();
    }

    public int dimension() {
        return dimension;
    }

    public String modelName() {
        String name = model.modelName();
        return name == null || name.isBlank() || "unknown".equals(name) ? model.getClass().getSimpleName() : name;
    }

    /** A query's vector: the text read whole. */
    public float[] embed(String query) {
        return check(model.embed(query).content());
    }

    /** Passages' vectors, each the normalised mean of its windows' vectors. */
    public List<float[]> embedAll(List<String> passages) {
        List<String> windows = new ArrayList<>();
        int[] firstWindow = new int[passages.size() + 1];
        for (int p = 0; p < passages.size(); p++) {
            firstWindow[p] = windows.size();
            windows.addAll(windows(passages.get(p)));
        }
        firstWindow[passages.size()] = windows.size();
        List<float[]> vectors = embedEach(windows);
        List<float[]> out = new ArrayList<>(passages.size());
        for (int p = 0; p < passages.size(); p++) {
            int from = firstWindow[p];
            int to = firstWindow[p + 1];
            out.add(to - from == 1 ? vectors.get(from) : normalisedMean(vectors.subList(from, to)));
        }
        return out;
    }

    /** The text itself when it is short enough, else the fewest equal runs of words that are. */
    static List<String> windows(String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length <= WINDOW_WORDS) {
            return List.of(text);
        }
        int count = (words.length + WINDOW_WORDS - 1) / WINDOW_WORDS;
        int size = (words.length + count - 1) / count;
        List<String> windows = new ArrayList<>(count);
        for (int i = 0; i < words.length; i += size) {
            windows.add(String.join(" ", Arrays.copyOfRange(words, i, Math.min(words.length, i + size))));
        }
        return windows;
    }

    private float[] normalisedMean(List<float[]> vectors) {
        float[] mean = new float[dimension];
        for (float[] v : vectors) {
            for (int d = 0; d < dimension; d++) {
                mean[d] += v[d];
            }
        }
        double norm = 0;
        for (float x : mean) {
            norm += x * x;
        }
        float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
        for (int d = 0; d < dimension; d++) {
            mean[d] *= scale;
        }
        return mean;
    }

    private List<float[]> embedEach(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize)).stream()
                    .map(TextSegment::from).toList();
            List<Embedding> embeddings = model.embedAll(batch).content();
            if (embeddings.size() != batch.size()) {
                throw new IllegalStateException("embedding model returned " + embeddings.size() + " vectors for "
                        + batch.size() + " texts");
            }
            embeddings.forEach(e -> vectors.add(check(e)));
        }
        return vectors;
    }

    private float[] check(Embedding embedding) {
        float[] v = embedding.vector();
        if (v.length != dimension) {
            throw new IllegalStateException("embedding has " + v.length + " dimensions, expected " + dimension);
        }
        return v;
    }
}
