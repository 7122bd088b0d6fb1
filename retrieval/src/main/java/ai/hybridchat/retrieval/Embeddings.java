package ai.hybridchat.retrieval;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * The in-process all-MiniLM-L6-v2 sentence embedding model (384 dimensions), read from LangChain4j's
 * jar, never downloaded. Loading it takes a second or two and some 100 MB, so there is one
 * instance per JVM, created on first use; it is thread-safe and meant to be shared.
 */
public final class Embeddings {
    /** The dimension of {@link #allMiniLmL6V2()} vectors. */
    public static final int MINILM_DIMENSION = 384;

    private Embeddings() {
    }

    private static final class Holder {
        static final EmbeddingModel MODEL = load();

        private static EmbeddingModel load() {
            StaleNativeCopies.removeInSystemTemp(); // what earlier runs left in the temp folder
            return new AllMiniLmL6V2EmbeddingModel();
        }
    }

    public static EmbeddingModel allMiniLmL6V2() {
        return Holder.MODEL;
    }
}
