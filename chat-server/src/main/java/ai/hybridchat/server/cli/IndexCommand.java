package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.IndexProgress;
import ai.hybridchat.retrieval.IngestReport;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.SkippedFile;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.lucene.store.LockObtainFailedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code platform index --docs PATH... [--index DIR]}: adds or updates documents in the index. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Add or update documents (text, Markdown, HTML, PDF; files or folders) in the search index.")
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--docs", arity = "1..*", required = true, paramLabel = "PATH", description = "Files or folders to index.")
    List<Path> docs;

    @Option(names = "--index", paramLabel = "DIR", defaultValue = "data/index", description = "Index folder (default: ${DEFAULT-VALUE}).")
    Path index;

    @Option(names = "--full", description = "Full reindex: afterwards the index holds exactly these documents "
            + "(built beside the live index and swapped in with one commit).")
    boolean full;

    @Mixin
    EmbeddingModelOption embedding = new EmbeddingModelOption();

    @Mixin
    SolrOption solr = new SolrOption();

    @Override
    public Integer call() {
        docs.forEach(p -> PathChecks.requireExists(p, "--docs"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ChunkIndex chunks = solr.isSet() ? solr.open(embedding.model(), Chunker.defaults()) : open(index, embedding.model())) {
            if (chunks.embeddingModelChanged() && !full) {
                throw new IllegalArgumentException("the index at " + chunks.location() + " was built with another embedding model: "
                        + "rebuild it with --full (every vector is made anew), or index with the model it was built with");
            }
            IngestReport report = full ? new Ingestor(chunks).rebuild(docs, IndexProgress.NONE)
                    : new Ingestor(chunks).ingest(docs);
            for (SkippedFile skipped : report.skipped()) {
                err.println("skipped " + skipped);
            }
            out.println(report.summary() + "; " + (solr.isSet() ? chunks.location() : index) + " now holds " + chunks.documentCount() + " documents, "
                    + chunks.chunkCount() + " chunks");
            if (report.indexed().isEmpty()) {
                err.println("platform index: nothing was indexed: every file was skipped");
                return CliErrors.FAILED;
            }
            return 0;
        }
    }

    private static ChunkIndex open(Path index, EmbeddingModel model) {
        try {
            return LuceneChunkIndex.open(index, model);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof LockObtainFailedException) {
                throw new IllegalStateException("the index at " + index + " is open in another process (a running "
                        + "'platform serve'?): stop it first, or index into another folder");
            }
            throw e;
        }
    }
}
