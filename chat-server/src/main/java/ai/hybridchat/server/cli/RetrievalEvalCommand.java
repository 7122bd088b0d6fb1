package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.BeirDataset;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.RetrievalEvaluator;
import ai.hybridchat.retrieval.RetrievalScores;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code platform retrieval-eval --beir DIR [--mode ...] [--json]}: nDCG@10, Recall@100 and MAP on a BEIR folder. */
@Command(name = "retrieval-eval", mixinStandardHelpOptions = true,
        description = "Measure retrieval quality (nDCG@10, Recall@100, MAP) on a BEIR-layout benchmark.")
final class RetrievalEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--beir", required = true, paramLabel = "DIR",
            description = "BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv.")
    Path beir;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "hybrid", converter = Converters.SearchModeConverter.class,
            description = "bm25, dense or hybrid (default: ${DEFAULT-VALUE}).")
    SearchMode mode;

    @Mixin
    FusionOptions fusion = new FusionOptions();

    @Mixin
    EmbeddingModelOption embedding = new EmbeddingModelOption();

    @Mixin
    RerankerOption reranker = new RerankerOption();

    @Mixin
    SolrOption solr = new SolrOption();

    @Option(names = "--json", description = "Print one JSON object: ndcg@10, recall@100, map, queries.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        PathChecks.requireDir(beir, "--beir");
        BeirDataset data = BeirDataset.load(beir);
        RetrievalEvaluator evaluator = new RetrievalEvaluator(mode == SearchMode.BM25 ? null : embedding.model(),
                fusion.apply(SearchOptions.defaults()), Chunker.wholeDocuments());
        if (solr.isSet()) {
            // the corpus replaces what the collection holds: never the platform's own by default
            if (solr.collection.equals(SolrOption.DEFAULT_COLLECTION)) {
                solr.collection = "beir-" + data.name().replaceAll("[^A-Za-z0-9._-]", "-");
            }
            evaluator = evaluator.on(solr::open);
        }
        RetrievalScores s = reranker.apply(evaluator).evaluate(data, mode);
        if (json) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ndcg@10", s.ndcg10());
            body.put("recall@100", s.recall100());
            body.put("map", s.map());
            body.put("queries", s.queries());
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(body));
        } else {
            spec.commandLine().getOut().printf(Locale.ROOT, "%s, %s: %s%n", data.name(), mode.wireName(), s);
        }
        return 0;
    }
}
