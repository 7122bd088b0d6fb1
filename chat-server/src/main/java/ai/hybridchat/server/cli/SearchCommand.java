package ai.hybridchat.server.cli;

import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.MetadataFilter;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SnippetStyle;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code platform search "QUERY" [--mode bm25|dense|hybrid] [--k 10] [--json] [--index DIR]}. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search the index and print the best passages.")
final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to search for.")
    String query;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "hybrid", converter = Converters.SearchModeConverter.class,
            description = "bm25, dense or hybrid (default: ${DEFAULT-VALUE}).")
    SearchMode mode;

    @Option(names = "--k", paramLabel = "N", defaultValue = "10", description = "How many passages (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--filter", paramLabel = "KEY=VALUE",
            description = "Only chunks whose metadata has this value (docId, format, ...); repeat: keys AND, values of one key OR.")
    List<String> filters = new ArrayList<>();

    @Mixin
    FusionOptions fusion = new FusionOptions();

    @Mixin
    EmbeddingModelOption embedding = new EmbeddingModelOption();

    @Mixin
    RerankerOption reranker = new RerankerOption();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", defaultValue = "data/index", description = "Index folder (default: ${DEFAULT-VALUE}).")
    Path index;

    @Mixin
    SolrOption solr = new SolrOption();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "A data folder, as for serve: its index (DIR/index) is synced with DIR/docs first.")
    Path dataDir;

    @Override
    public Integer call() throws JsonProcessingException {
        if (k < 1 || k > 1000) {
            throw new IllegalArgumentException("--k must be between 1 and 1000, got " + k);
        }
        if (query.isBlank()) {
            throw new IllegalArgumentException("the query is empty");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dataDir != null) {
            syncDataDir();
        }
        if (!solr.isSet() && !Files.isDirectory(index)) {
            throw new IllegalArgumentException("no index at " + index + ": build one with 'platform index --docs PATH'");
        }
        EmbeddingModel model = mode == SearchMode.BM25 ? null : embedding.model();
        try (ChunkIndex chunks = solr.isSet() ? solr.open(model, Chunker.defaults()) : LuceneChunkIndex.openReadOnly(index, model)) {
            SearchOptions options = fusion.apply(SearchOptions.defaults())
                    .withSnippets(SearchOptions.DEFAULT_SNIPPET_CHARS, SnippetStyle.PLAIN);
            List<RetrievedPassage> hits = reranker.apply(chunks.searcher(options)).search(query, mode, k,
                    MetadataFilter.parse(filters));
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(toJson(hits)));
            } else {
                print(out, hits);
            }
        }
        return 0;
    }

    /** The data folder's index brought in line with its documents, as serve and eval do. */
    private void syncDataDir() {
        Path docs = dataDir.resolve("docs");
        if (!Files.isDirectory(docs)) {
            throw new IllegalArgumentException("no documents folder at " + docs);
        }
        index = dataDir.resolve("index");
        PrintWriter err = spec.commandLine().getErr();
        try (ChunkIndex writable = LuceneChunkIndex.open(index, embedding.model())) {
            var report = new Ingestor(writable).sync(docs);
            err.println("index synced: " + report.summary());
            report.skipped().forEach(s -> err.println("skipped " + s));
        }
    }

    private Map<String, Object> toJson(List<RetrievedPassage> hits) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            RetrievedPassage p = hits.get(i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("rank", i + 1);
            r.put("docId", p.chunk().docId());
            r.put("chunkId", p.chunk().id());
            r.put("title", p.chunk().title());
            r.put("source", p.chunk().source());
            r.put("score", p.score());
            r.put("snippet", p.snippet());
            results.add(r);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("mode", mode.wireName());
        body.put("results", results);
        return body;
    }

    private static void print(PrintWriter out, List<RetrievedPassage> hits) {
        if (hits.isEmpty()) {
            out.println("no matches");
            return;
        }
        for (int i = 0; i < hits.size(); i++) {
            RetrievedPassage p = hits.get(i);
            out.printf(Locale.ROOT, "%d. %s [%s] %.4f%n   %s%n", i + 1, p.chunk().title(), p.chunk().id(), p.score(),
                    p.snippet().replaceAll("\\s+", " ").strip());
        }
    }
}
