package ai.hybridchat.server.bench;

import ai.hybridchat.core.Document;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.ChunkSearch;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.IndexProgress;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.MemoizedEmbeddings;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SnippetStyle;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Search at scale: {@code n} synthetic chunks indexed with real MiniLM embeddings (indexing
 * chunks/s), then every query once per mode, timed end to end as the chat server calls it
 * (query embedding, BM25 and/or HNSW, fusion, snippets). The peer is the query's share that is
 * not ours: the embedding model's time for the query alone, measured in the same run.
 *
 * <p>Chunks are two or three sentences drawn from a pool of real sentences plus a random
 * serial, so every chunk is distinct, terms follow natural-language frequencies and each is
 * about the demo's chunk size.
 */
public final class RetrievalScaleBenchmark {
    public record Latency(double p50Ms, double p99Ms, double meanMs) {
        static Latency of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
            return new Latency(sorted[(int) Math.floor(0.50 * (sorted.length - 1))] / 1e6,
                    sorted[(int) Math.ceil(0.99 * (sorted.length - 1))] / 1e6, mean);
        }
    }

    /** One engine's run: its own indexing time (the embedding model's excluded), and search latency per mode. */
    public record EngineResult(String engine, double indexSeconds, double embeddingSeconds, Map<SearchMode, Latency> search) {
    }

    public record Result(int chunks, List<EngineResult> engines, Latency queryEmbedding, int queries) {
    }

    private RetrievalScaleBenchmark() {
    }

    /** The local Lucene engine only, in {@code indexDir}. */
    public static Result run(Path indexDir, int chunks, List<String> sentences, List<String> queries, Consumer<String> log) {
        Map<String, Function<EmbeddingModel, ChunkIndex>> local = new LinkedHashMap<>();
        local.put("lucene", model -> LuceneChunkIndex.open(indexDir, model, Chunker.wholeDocuments()));
        return run(local, chunks, sentences, queries, log);
    }

    /**
     * Each engine in turn on the same chunks and queries. Every chunk is embedded once
     * ({@link MemoizedEmbeddings}), by the first engine's indexing; each engine's indexing time is
     * reported without the model's share, so engines compare on what they do. Queries are embedded
     * by every engine itself.
     */
    public static Result run(Map<String, Function<EmbeddingModel, ChunkIndex>> engines, int chunks, List<String> sentences,
                             List<String> queries, Consumer<String> log) {
        EmbeddingModel base = Embeddings.allMiniLmL6V2();
        MemoizedEmbeddings model = new MemoizedEmbeddings(base);
        List<List<Document>> batches = batches(chunks, sentences);
        List<EngineResult> results = new ArrayList<>();
        for (Map.Entry<String, Function<EmbeddingModel, ChunkIndex>> engine : engines.entrySet()) {
            model.remembering(true);
            try (ChunkIndex index = engine.getValue().apply(model)) {
                index.clear();
                long t0 = System.nanoTime();
                long embedding0 = model.modelNanos();
                int done = 0;
                for (List<Document> docs : batches) {
                    index.upsertAll(docs, IndexProgress.NONE);
                    done += docs.size();
                    log.accept(String.format(Locale.ROOT, "%s: indexed %d of %d chunks, %.0f chunks/s", engine.getKey(), done, chunks,
                            done / ((System.nanoTime() - t0) / 1e9)));
                }
                double embeddingSeconds = (model.modelNanos() - embedding0) / 1e9;
                double indexSeconds = (System.nanoTime() - t0) / 1e9 - embeddingSeconds;
                model.remembering(false);
                results.add(new EngineResult(engine.getKey(), indexSeconds, embeddingSeconds, latencies(index, queries)));
            }
        }
        long[] embed = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long s = System.nanoTime();
            base.embed(queries.get(i));
            embed[i] = System.nanoTime() - s;
        }
        return new Result(chunks, results, Latency.of(embed), queries.size());
    }

    private static Map<SearchMode, Latency> latencies(ChunkIndex index, List<String> queries) {
        ChunkSearch searcher = index.searcher(SearchOptions.defaults()
                .withSnippets(SearchOptions.DEFAULT_SNIPPET_CHARS, SnippetStyle.PLAIN));
        for (int i = 0; i < Math.min(20, queries.size()); i++) { // warm-up: JIT, caches
            for (SearchMode mode : SearchMode.values()) {
                searcher.search(queries.get(i), mode, 3);
            }
        }
        Map<SearchMode, Latency> latencies = new EnumMap<>(SearchMode.class);
        for (SearchMode mode : SearchMode.values()) {
            long[] nanos = new long[queries.size()];
            for (int i = 0; i < queries.size(); i++) {
                long s = System.nanoTime();
                searcher.search(queries.get(i), mode, 3);
                nanos[i] = System.nanoTime() - s;
            }
            latencies.put(mode, Latency.of(nanos));
        }
        return latencies;
    }

    /** The synthetic chunks, in batches of 2,000 (one commit each), the same for every engine. */
    private static List<List<Document>> batches(int chunks, List<String> sentences) {
        Random random = new Random(11);
        int batch = 2000;
        List<List<Document>> out = new ArrayList<>();
        for (int from = 0; from < chunks; from += batch) {
            List<Document> docs = new ArrayList<>();
            for (int i = from; i < Math.min(chunks, from + batch); i++) {
                StringBuilder text = new StringBuilder();
                int n = 2 + random.nextInt(2);
                for (int s = 0; s < n; s++) {
                    text.append(sentences.get(random.nextInt(sentences.size()))).append(' ');
                }
                text.append("Serial ").append(Integer.toString(random.nextInt(1 << 30), 36)).append('.');
                docs.add(new Document("c" + i, "Chunk " + i, "synthetic/" + i + ".txt", text.toString(), Map.of()));
            }
            out.add(docs);
        }
        return out;
    }
}
