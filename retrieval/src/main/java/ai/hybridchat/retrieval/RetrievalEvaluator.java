package ai.hybridchat.retrieval;

import ai.hybridchat.core.encoder.PairScorer;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Measures retrieval quality on a {@link BeirDataset}: nDCG@10, Recall@100 and MAP, averaged
 * over the judged queries (see {@link RankingMetrics} for the definitions).
 *
 * <p>Each query retrieves the top {@value #DEPTH} documents; MAP is computed over that depth
 * (trec_eval's default), or over fewer when the index returns fewer (BM25 only returns documents
 * sharing a term with the query). Chunks are mapped to their document at its best-ranked chunk.
 * By default every corpus entry is one chunk ({@link Chunker#wholeDocuments()}), which is how
 * BEIR baselines are run; pass another {@link Chunker} to measure the chat-time chunking. Hybrid
 * search fuses the top {@code max(DEPTH, candidates)} of each ranking.
 *
 * <p>{@link #evaluate(BeirDataset, Collection)} builds a temporary index (deleted afterwards);
 * it embeds the corpus only when a dense or hybrid mode is asked for.
 */
public final class RetrievalEvaluator {
    /** Retrieval depth per query, and the MAP cut. */
    public static final int DEPTH = 1000;

    private final EmbeddingModel model;
    private final SearchOptions options;
    private final Chunker chunker;
    private final UnaryOperator<ChunkSearch> secondStage;
    private final Engine engine;

    /** Where the corpus is indexed for an evaluation; the evaluation closes what it opens. */
    public interface Engine {
        /** @param model null for BM25 only */
        ChunkIndex open(EmbeddingModel model, Chunker chunker);
    }

    /** @param model the embedding model for dense and hybrid modes; null evaluates BM25 only */
    public RetrievalEvaluator(EmbeddingModel model) {
        this(model, SearchOptions.defaults(), Chunker.wholeDocuments());
    }

    public RetrievalEvaluator(EmbeddingModel model, SearchOptions options, Chunker chunker) {
        this(model, options, chunker, UnaryOperator.identity(), null);
    }

    private RetrievalEvaluator(EmbeddingModel model, SearchOptions options, Chunker chunker, UnaryOperator<ChunkSearch> secondStage,
                               Engine engine) {
        this.model = model;
        this.options = Objects.requireNonNull(options, "options");
        this.chunker = Objects.requireNonNull(chunker, "chunker");
        this.secondStage = secondStage;
        this.engine = engine;
    }

    /**
     * The same evaluation on another engine (a Solr collection, say): the corpus replaces whatever
     * the index it opens holds. Null: a temporary local Lucene folder, the default.
     */
    public RetrievalEvaluator on(Engine engine) {
        return new RetrievalEvaluator(model, options, chunker, secondStage, engine);
    }

    /** The same evaluation with {@code scorer} reranking the top {@code depth} candidates of every search. */
    public RetrievalEvaluator reranked(PairScorer scorer, int depth) {
        return new RetrievalEvaluator(model, options, chunker, search -> new RerankingSearch(search, scorer, depth), engine);
    }

    public RetrievalScores evaluate(BeirDataset data, SearchMode mode) {
        return evaluate(data, List.of(mode)).get(mode);
    }

    /** Indexes the corpus once into a temporary folder and evaluates each mode on it. */
    public Map<SearchMode, RetrievalScores> evaluate(BeirDataset data, Collection<SearchMode> modes) {
        boolean needsVectors = modes.stream().anyMatch(m -> m != SearchMode.BM25);
        if (needsVectors && model == null) {
            throw new IllegalStateException("dense and hybrid evaluation need an embedding model");
        }
        Path dir = null;
        if (engine == null) {
            try {
                dir = Files.createTempDirectory("beir-index-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary index folder: " + e.getMessage(), e);
            }
        }
        Path folder = dir;
        EmbeddingModel vectors = needsVectors ? model : null;
        try (ChunkIndex index = engine == null ? LuceneChunkIndex.open(folder, vectors, chunker) : engine.open(vectors, chunker)) {
            if (engine != null) {
                // the corpus replaces whatever the engine held, in a schema for this model's vectors
                index.replaceAll(data.corpus(), IndexProgress.NONE);
            } else {
                index.upsertAll(data.corpus());
            }
            ChunkSearch searcher = secondStage.apply(index.searcher(options));
            Map<SearchMode, RetrievalScores> scores = new EnumMap<>(SearchMode.class);
            for (SearchMode mode : modes) {
                scores.put(mode, evaluate(searcher, data, mode));
            }
            return scores;
        } finally {
            if (dir != null) {
                deleteRecursively(dir);
            }
        }
    }

    /** Evaluates a mode on an index that already holds the corpus. */
    public static RetrievalScores evaluate(ChunkSearch searcher, BeirDataset data, SearchMode mode) {
        List<String> queryIds = data.judgedQueryIds();
        double ndcg = 0;
        double recall = 0;
        double map = 0;
        for (String qid : queryIds) {
            List<String> ranking = searcher.rankDocuments(data.queries().get(qid), mode, DEPTH);
            Map<String, Integer> judged = data.qrels().get(qid);
            ndcg += RankingMetrics.ndcg(ranking, judged, 10);
            recall += RankingMetrics.recall(ranking, judged, 100);
            map += RankingMetrics.averagePrecision(ranking, judged, DEPTH);
        }
        int n = queryIds.size();
        return n == 0 ? new RetrievalScores(0, 0, 0, 0) : new RetrievalScores(ndcg / n, recall / n, map / n, n);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans up what is left
        }
    }
}
