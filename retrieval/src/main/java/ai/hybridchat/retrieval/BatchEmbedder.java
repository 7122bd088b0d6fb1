package ai.hybridchat.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Turns texts into float vectors with an {@link EmbeddingModel}, a batch per model call. */
public final class BatchEmbedder {
    public static final int DEFAULT_BATCH_SIZE = 32;

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

    public float[] embed(String text) {
        return check(model.embed(text).content());
    }

    public List<float[]> embedAll(List<String> texts) {
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
