package ai.hybridchat.server.bench;

import ai.hybridchat.core.Document;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.ChunkSearch;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.IndexProgress;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SnippetStyle;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

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

    public record Result(int chunks, double indexSeconds, Map<SearchMode, Latency> search, Latency queryEmbedding,
                         int queries) {
        public double chunksPerSecond() {
            return chunks / indexSeconds;
        }
    }

    private RetrievalScaleBenchmark() {
    }

    public static Result run(Path indexDir, int chunks, List<String> sentences, List<String> queries, Consumer<String> log) {
        EmbeddingModel model = Embeddings.allMiniLmL6V2();
        Random random = new Random(11);
        long t0 = System.nanoTime();
        try (ChunkIndex index = LuceneChunkIndex.open(indexDir, model, Chunker.wholeDocuments())) {
            int batch = 2000;
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
                index.upsertAll(docs, IndexProgress.NONE);
                log.accept(String.format(Locale.ROOT, "indexed %d of %d chunks, %.0f chunks/s",
                        Math.min(chunks, from + batch), chunks, Math.min(chunks, from + batch) / ((System.nanoTime() - t0) / 1e9)));
            }
            double indexSeconds = (System.nanoTime() - t0) / 1e9;
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
            long[] embed = new long[queries.size()];
            for (int i = 0; i < queries.size(); i++) {
                long s = System.nanoTime();
                model.embed(queries.get(i));
                embed[i] = System.nanoTime() - s;
            }
            return new Result(chunks, indexSeconds, latencies, Latency.of(embed), queries.size());
        }
    }
}
