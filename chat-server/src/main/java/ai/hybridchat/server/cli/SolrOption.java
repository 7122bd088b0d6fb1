package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.SolrChunkIndex;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --solr URL,... | --solr-zk HOSTS [--collection NAME] [--shards N] [--replication-factor N]}: index and
 * search a SolrCloud collection instead of a local folder (the config's {@code retrieval.engine:
 * solr}), shared by the commands that index or search.
 */
final class SolrOption {
    static final String DEFAULT_COLLECTION = "hybridchat";

    @Option(names = "--solr", split = ",", paramLabel = "URL",
            description = "SolrCloud node URLs (http://host:8983/solr): use the collection there instead of the local index.")
    List<String> urls;

    @Option(names = "--solr-zk", paramLabel = "HOSTS",
            description = "Or the cluster's ZooKeeper ensemble (zk1:2181,zk2:2181/solr) instead of --solr.")
    String zkHost;

    @Option(names = "--collection", defaultValue = DEFAULT_COLLECTION, paramLabel = "NAME",
            description = "With --solr: the collection alias (default: ${DEFAULT-VALUE}; retrieval-eval: beir-DATASET); "
                    + "created with its configset when missing.")
    String collection;

    @Option(names = "--shards", defaultValue = "1", paramLabel = "N", description = "With --solr, when creating: shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N",
            description = "With --solr, when creating: replicas per shard (default: ${DEFAULT-VALUE}).")
    int replicationFactor;

    boolean isSet() {
        return urls != null && !urls.isEmpty() || zkHost != null;
    }

    SolrChunkIndex.Settings settings() {
        return new SolrChunkIndex.Settings(urls, zkHost, collection, shards, replicationFactor);
    }

    SolrChunkIndex open(EmbeddingModel model, Chunker chunker) {
        return SolrChunkIndex.open(settings(), model, chunker);
    }
}
