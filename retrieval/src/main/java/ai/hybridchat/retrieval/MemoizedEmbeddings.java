package ai.hybridchat.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An embedding model that embeds each text once and remembers its vector, for evaluations and
 * benchmarks that index one corpus into several engines: the engines then differ by what they do,
 * not by embedding twice. Counts the time spent in the model itself, so an engine's own indexing
 * time is the total minus it. Not for serving: it keeps every vector it made.
 */
public final class MemoizedEmbeddings implements EmbeddingModel {
    private final EmbeddingModel model;
    private final Map<String, Embedding> seen = new ConcurrentHashMap<>();
    private final AtomicLong modelNanos = new AtomicLong();
    private volatile boolean remembering = true;

    public MemoizedEmbeddings(EmbeddingModel model) {
        this.model = model;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (!remembering) {
            return model.embedAll(segments);
        }
        List<TextSegment> missing = segments.stream().filter(t -> !seen.containsKey(t.text())).distinct().toList();
        if (!missing.isEmpty()) {
            long t0 = System.nanoTime();
            List<Embedding> made = model.embedAll(missing).content();
            modelNanos.addAndGet(System.nanoTime() - t0);
            for (int i = 0; i < missing.size(); i++) {
                seen.put(missing.get(i).text(), made.get(i));
            }
        }
        return Response.from(segments.stream().map(t -> seen.get(t.text())).toList());
    }

    /**
     * Whether texts are looked up and remembered (indexing) or passed straight to the model
     * (timing queries, which each engine must embed itself).
     */
    public void remembering(boolean on) {
        remembering = on;
    }

    /** Nanoseconds spent in the wrapped model while remembering. */
    public long modelNanos() {
        return modelNanos.get();
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public String modelName() {
        return model.modelName();
    }
}
