package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.BundledEncoder;
import ai.hybridchat.core.encoder.SentenceEncoder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void aLiveIndexSwapsItsModelWhileSearchesRun() throws Exception {
        Path path = dir.resolve("live");
        try (ChunkIndex index = LuceneChunkIndex.open(path, ONNX)) {
            index.upsertAll(TestDocs.all());
            assertEquals(new BatchEmbedder(ONNX).modelName(), index.embeddingModelName());
            ChunkSearch search = index.searcher();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger searches = new AtomicInteger();
            Thread searcher = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (search.search("volcano eruption", SearchMode.FUSED, 3).isEmpty()) {
                            failures.incrementAndGet();
                        }
                        searches.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            });
            searcher.start();
            List<IndexUpdate> updates;
            try {
                updates = index.replaceAll(TestDocs.all(), IndexProgress.NONE, djl);
                Thread.sleep(200);
            } finally {
                stop.set(true);
                searcher.join();
            }
            assertEquals(0, failures.get(), "of " + searches.get() + " searches during the swap");
            assertTrue(searches.get() > 0);
            assertEquals(index.chunkCount(), updates.stream().mapToInt(IndexUpdate::embedded).sum(), "every vector made by the new model");
            assertEquals(new BatchEmbedder(djl).modelName(), index.embeddingModelName());
            assertFalse(index.embeddingModelChanged());
            assertFalse(search.search("volcano eruption", SearchMode.DENSE, 3).isEmpty());
        }
        try (ChunkIndex index = LuceneChunkIndex.open(path, djl)) {
            assertFalse(index.embeddingModelChanged(), "the commit recorded the new model");
        }
        try (ChunkIndex index = LuceneChunkIndex.open(path, ONNX)) {
            assertTrue(index.embeddingModelChanged());
        }
    }

    @Test
    void aModelOfAnotherDimensionTakesOverTheVectorField() {
        EmbeddingModel threeDimensions = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                return Response.from(segments.stream().map(s -> Embedding.from(new float[] {1, 0, 0})).toList());
            }

            @Override
            public int dimension() {
                return 3;
            }
        };
        try (ChunkIndex index = LuceneChunkIndex.open(dir.resolve("dims"), ONNX)) {
            index.upsertAll(TestDocs.all());
            index.replaceAll(TestDocs.all(), IndexProgress.NONE, threeDimensions);
            assertEquals(3, index.searcher().search("volcano eruption", SearchMode.DENSE, 3).size(), "dense search on 3-dimensional vectors");
            index.upsert(TestDocs.all().get(0));
        }
        try (ChunkIndex index = LuceneChunkIndex.open(dir.resolve("dims"), threeDimensions)) {
            assertFalse(index.embeddingModelChanged());
        }
        assertThrows(IllegalStateException.class, () -> LuceneChunkIndex.open(dir.resolve("dims"), ONNX),
                "the commit records the new dimension");
    }
}
