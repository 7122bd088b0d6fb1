package ai.hybridchat.server.cli;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.server.demo.DemoTuningData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform rag-data --qa FILE --docs PATH... --out FILE}: turns question/answer pairs into
 * retrieval-augmented SFT data (each question with the passages the platform retrieves for it,
 * and once without), the data the demo adapter is tuned on.
 */
@Command(name = "rag-data", mixinStandardHelpOptions = true,
        description = "Build retrieval-augmented SFT data (JSONL messages) from {question, answer, doc_id} lines.")
final class RagDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--qa", required = true, paramLabel = "FILE", description = "JSONL of {\"question\",\"answer\",\"doc_id\"}.")
    Path qa;

    @Option(names = "--docs", required = true, arity = "1..*", paramLabel = "PATH", description = "The documents to retrieve from.")
    List<Path> docs;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the SFT JSONL.")
    Path out;

    @Option(names = "--passages", defaultValue = "3", paramLabel = "N", description = "Passages per question (default: ${DEFAULT-VALUE}).")
    int passages;

    @Override
    public Integer call() throws IOException {
        PathChecks.requireExists(qa, "--qa");
        docs.forEach(p -> PathChecks.requireExists(p, "--docs"));
        if (passages < 1) {
            throw new IllegalArgumentException("--passages must be at least 1");
        }
        Path indexDir = Files.createTempDirectory("rag-data-index");
        try (ChunkIndex index = LuceneChunkIndex.open(indexDir, Embeddings.allMiniLmL6V2())) {
            new Ingestor(index).ingest(docs);
            int n = new DemoTuningData(new LuceneRetriever(index), index::chunks, passages).build(qa, out);
            spec.commandLine().getOut().println("wrote " + n + " examples to " + out);
            return 0;
        } finally {
            AtomicFiles.deleteRecursively(indexDir);
        }
    }
}
