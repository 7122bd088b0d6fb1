package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.ChunkSearch;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.RerankingSearch;
import ai.hybridchat.retrieval.RetrievalEvaluator;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --reranker DIR [--rerank-depth N]}: a cross-encoder over the first stage's top candidates, shared by search commands. */
final class RerankerOption {
    @Option(names = "--reranker", paramLabel = "DIR",
            description = "A cross-encoder folder (from 'tune --method reranker') that reorders the top candidates (default: none).")
    Path folder;

    @Option(names = "--rerank-depth", defaultValue = "20", paramLabel = "N",
            description = "Candidates the reranker reads per query (default: ${DEFAULT-VALUE}).")
    int depth;

    ChunkSearch apply(ChunkSearch search) {
        return folder == null ? search : new RerankingSearch(search, Embeddings.reranker(PathChecks.requireExists(folder, "--reranker")), depth);
    }

    RetrievalEvaluator apply(RetrievalEvaluator evaluator) {
        return folder == null ? evaluator
                : evaluator.reranked(Embeddings.reranker(PathChecks.requireExists(folder, "--reranker")), depth);
    }
}
