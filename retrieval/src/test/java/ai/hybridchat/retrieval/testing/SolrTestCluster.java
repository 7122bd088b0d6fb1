package ai.hybridchat.retrieval.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.cloud.MiniSolrCloudCluster;

/**
 * A real SolrCloud for a process that cannot hold one (the server's JVM runs Jetty 12, Solr's
 * nodes Jetty 10): starts {@code args[0]} nodes (default 2) with an embedded ZooKeeper, prints
 * {@code SOLR_URLS=url,url} on one line, and shuts down when its standard input closes.
 */
public final class SolrTestCluster {
    private SolrTestCluster() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Path base = Files.createTempDirectory("solr-test-cluster");
        MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, base).configure();
        try {
            System.out.println("SOLR_URLS=" + String.join(",", cluster.getJettySolrRunners().stream()
                    .map(j -> j.getBaseUrl().toString()).toList()));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our input (or dies)
            }
        } finally {
            cluster.shutdown();
        }
    }
}
