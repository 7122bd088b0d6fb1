package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.SentenceEncoder;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index remembers the embedding model its vectors come from: opened with another (here the
 * same all-MiniLM-L6-v2 run on DJL instead of ONNX Runtime, a different model as far as the index
 * can know), it refuses dense search and additions until a full rebuild re-embeds every chunk, and
 * a refused run does not rename the model its vectors belong to.
 */
class EmbeddingModelChangeTest {
    static final EmbeddingModel ONNX = Embeddings.allMiniLmL6V2();
    static NDManager manager;
    static SentenceEncoder djl;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        djl = BundledEncoder.ALL_MINILM_L6_V2.load(manager);
    }

    @AfterAll
    static void close() {
        djl.close();
        manager.close();
    }

    @Test
    void anotherModelMustRebuildBeforeItSearchesOrAdds() {
        Path path = dir.resolve("index");
        try (ChunkIndex index = LuceneChunkIndex.open(path, ONNX)) {
            index.upsertAll(TestDocs.all());
            assertFalse(index.embeddingModelChanged());
        }
        try (ChunkIndex index = LuceneChunkIndex.open(path, djl)) {
            assertTrue(index.embeddingModelChanged());
            IllegalStateException add = assertThrows(IllegalStateException.class, () -> index.upsertAll(TestDocs.all()));
            assertTrue(add.getMessage().contains("rebuild"), add.getMessage());
            ChunkSearch search = index.searcher();
            assertThrows(IllegalStateException.class, () -> search.search("volcano eruption", SearchMode.DENSE, 3));
            assertThrows(IllegalStateException.class, () -> search.search("volcano eruption", SearchMode.FUSED, 3));
            assertFalse(search.search("volcano", SearchMode.BM25, 3).isEmpty(), "BM25 needs no vectors");
        }
        IllegalStateException read = assertThrows(IllegalStateException.class, () -> LuceneChunkIndex.openReadOnly(path, djl));
        assertTrue(read.getMessage().contains(ONNX.getClass().getSimpleName()), read.getMessage());
        try (ChunkIndex index = LuceneChunkIndex.openReadOnly(path, ONNX)) {
            assertFalse(index.embeddingModelChanged(), "the refused writer did not record its model");
        }

        int chunks;
        try (ChunkIndex index = LuceneChunkIndex.open(path, djl)) {
            List<IndexUpdate> updates = index.replaceAll(TestDocs.all(), IndexProgress.NONE);
            chunks = index.chunkCount();
            assertEquals(chunks, updates.stream().mapToInt(IndexUpdate::embedded).sum(), "every vector made anew, none reused");
            assertFalse(index.embeddingModelChanged());
            assertFalse(index.searcher().search("volcano eruption", SearchMode.DENSE, 3).isEmpty());
        }
        try (ChunkIndex index = LuceneChunkIndex.openReadOnly(path, djl)) {
            assertEquals(chunks, index.chunkCount());
        }
        assertThrows(IllegalStateException.class, () -> LuceneChunkIndex.openReadOnly(path, ONNX));
    }
}
