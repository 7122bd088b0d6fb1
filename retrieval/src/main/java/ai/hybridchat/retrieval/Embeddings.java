package ai.hybridchat.retrieval;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.PairScorer;
import ai.hybridchat.core.encoder.SentenceEncoder;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** Rerankers loaded from folders, one per folder and JVM. */
    private static final Map<Path, PairScorer> RERANKERS = new ConcurrentHashMap<>();

    /** The cross-encoder in {@code folder} (from {@code tune --method reranker}), loaded once per JVM. */
    public static PairScorer reranker(Path folder) {
        Path key = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(key)) {
            throw new IllegalArgumentException("reranker folder not found: " + folder);
        }
        return RERANKERS.computeIfAbsent(key, k -> {
            try {
                return PairScorer.load(k, PairScorer.DEFAULT_MAX_LENGTH, FOLDER_MANAGER);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the reranker in " + k + ": " + e.getMessage(), e);
            }
        });
    }

    /** Encoders loaded from folders, one per folder and JVM, like the default model. */
    private static final Map<Path, SentenceEncoder> FOLDERS = new ConcurrentHashMap<>();
    private static final NDManager FOLDER_MANAGER = NDManager.newBaseManager();

    /**
     * The retriever's embedding model: {@code folder} null for the default ({@link #allMiniLmL6V2()}),
     * else a sentence-transformers folder (one {@code tune --method embedding} wrote, or a BERT
     * checkpoint brought by the user) run on DJL.
     */
    public static EmbeddingModel retriever(Path folder) {
        if (folder == null) {
            return allMiniLmL6V2();
        }
        Path key = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(key)) {
            throw new IllegalArgumentException("embedding model folder not found: " + folder);
        }
        return FOLDERS.computeIfAbsent(key, k -> {
            try {
                return SentenceEncoder.load(k, FOLDER_MANAGER);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the embedding model in " + k + ": " + e.getMessage(), e);
            }
        });
    }
}
