package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.SearchOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --fusion}, {@code --bm25-weight}, {@code --dense-weight}: how hybrid search fuses, shared by search commands. */
final class FusionOptions {
    @Option(names = "--fusion", defaultValue = "convex", paramLabel = "convex|rrf",
            description = "How hybrid combines BM25 and dense: normalised scores or reciprocal ranks (default: ${DEFAULT-VALUE}).")
    String fusion;

    @Option(names = "--bm25-weight", defaultValue = "1.0", description = "Weight of the BM25 ranking (default: ${DEFAULT-VALUE}).")
    double bm25Weight;

    @Option(names = "--dense-weight", defaultValue = "1.0", description = "Weight of the dense ranking (default: ${DEFAULT-VALUE}).")
    double denseWeight;

    SearchOptions apply(SearchOptions options) {
        SearchOptions.Fusion f;
        try {
            f = SearchOptions.Fusion.valueOf(fusion.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fusion must be convex or rrf, got '" + fusion + "'");
        }
        return options.withFusion(f).withWeights(bm25Weight, denseWeight);
    }
}
