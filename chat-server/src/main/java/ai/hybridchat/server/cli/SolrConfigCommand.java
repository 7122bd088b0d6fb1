package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.SolrConfigset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform solr-config --out DIR [--dimension N]}: the configset of a chunk collection, for
 * an operator who creates the collection on their own cluster (the platform uploads the same one
 * itself when it may).
 */
@Command(name = "solr-config", mixinStandardHelpOptions = true,
        description = "Write the Solr configset (solrconfig.xml, schema.xml) of the platform's chunk collection.")
final class SolrConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the configset into.")
    Path out;

    @Option(names = "--dimension", defaultValue = "384", paramLabel = "N",
            description = "The embedding model's dimension (default: ${DEFAULT-VALUE}, all-MiniLM-L6-v2's; 0: BM25 only).")
    int dimension;

    @Override
    public Integer call() throws IOException {
        if (dimension < 0 || dimension > 4096) {
            throw new IllegalArgumentException("--dimension must be between 0 and 4096, got " + dimension);
        }
        SolrConfigset.write(out, dimension);
        PrintWriter o = spec.commandLine().getOut();
        o.println("wrote the configset " + SolrConfigset.name(dimension) + " to " + out + "; upload it and create the collection with e.g.");
        o.println("  (cd " + out + " && zip -r - .) | curl -X PUT --data-binary @- -H 'Content-Type: application/octet-stream' "
                + "'http://localhost:8983/api/cluster/configs/" + SolrConfigset.name(dimension) + "'");
        o.println("  curl 'http://localhost:8983/solr/admin/collections?action=CREATE&name=hybridchat_1&collection.configName="
                + SolrConfigset.name(dimension) + "&numShards=2&replicationFactor=2'");
        o.println("  curl 'http://localhost:8983/solr/admin/collections?action=CREATEALIAS&name=hybridchat&collections=hybridchat_1'");
        return 0;
    }
}
