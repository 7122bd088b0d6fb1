package ai.hybridchat.server.cli;

import ai.hybridchat.retrieval.Embeddings;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --embedding-model DIR}: the retriever's embedding model, shared by the commands that index or search. */
final class EmbeddingModelOption {
    @Option(names = "--embedding-model", paramLabel = "DIR",
            description = "A sentence-transformers folder (from 'tune --method embedding') for the vectors "
                    + "(default: the bundled all-MiniLM-L6-v2). An index remembers its model: search it with the same one.")
    Path folder;

    EmbeddingModel model() {
        if (folder != null) {
            PathChecks.requireExists(folder, "--embedding-model");
        }
        return Embeddings.retriever(folder);
    }
}
