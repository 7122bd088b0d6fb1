package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.Document;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full reindex beside the live index: searches during it never fail and never see a mix; a failed one changes nothing. */
class FullReindexTest {
    private static final EmbeddingModel MODEL = Embeddings.allMiniLmL6V2();

    @TempDir
    Path dir;

    static List<Document> second() {
        return List.of(
                new Document("lighthouse", "Lighthouses", "lighthouse.md",
                        "A lighthouse warns ships at night. Its lamp turns and the lens throws the beam far out to sea.", Map.of()),
                new Document("glacier", "Glaciers", "glacier.md",
                        "A glacier is a river of ice that moves slowly downhill and carves deep valleys.", Map.of()),
                new Document("beekeeping", "Beekeeping", "beekeeping.md",
                        "Bees make honey from nectar; the keeper checks the hive for the queen every week.", Map.of()));
    }

    private static Set<String> ids(List<Document> docs) {
        Set<String> ids = new HashSet<>();
        docs.forEach(d -> ids.add(d.id()));
        return ids;
    }

    @Test
    void searchesDuringRepeatedFullReindexesNeverFailAndSeeOneWholeIndex() throws Exception {
        Set<String> first = ids(TestDocs.all());
        Set<String> second = ids(second());
        try (ChunkIndex index = LuceneChunkIndex.open(dir.resolve("index"), MODEL)) {
            index.upsertAll(TestDocs.all());
            ChunkSearch searcher = index.searcher();
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger queries = new AtomicInteger();
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> readers = new ArrayList<>();
            for (SearchMode mode : List.of(SearchMode.FUSED, SearchMode.BM25)) {
                readers.add(pool.submit(() -> {
                    while (!done.get()) {
                        try {
                            Set<String> seen = new HashSet<>();
                            searcher.search("the lamp light and the ice of a volcano", mode, 10).forEach(p -> seen.add(p.chunk().docId()));
                            if (seen.isEmpty() || !(first.containsAll(seen) || second.containsAll(seen))) {
                                problems.add(mode + " saw " + seen);
                            }
                            queries.incrementAndGet();
                        } catch (RuntimeException e) {
                            problems.add(mode + " failed: " + e);
                        }
                    }
                }));
            }
            for (int round = 0; round < 3; round++) {
                index.replaceAll(second(), IndexProgress.NONE);
                assertEquals(second, Set.copyOf(index.documents().stream().map(IndexedDocument::docId).toList()));
                index.replaceAll(TestDocs.all(), IndexProgress.NONE);
                assertEquals(first, Set.copyOf(index.documents().stream().map(IndexedDocument::docId).toList()));
            }
            done.set(true);
            for (Future<?> f : readers) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals(List.of(), problems);
            assertTrue(queries.get() > 20, "queries during the reindexes: " + queries.get());
            assertFalse(Files.exists(dir.resolve("index.rebuild")), "the staging folder is removed");
        }
    }

    @Test
    void aReindexThatFailsHalfwayLeavesTheLiveIndexAsItWas() {
        EmbeddingModel failing = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                for (TextSegment s : segments) {
                    if (s.text().contains("honey")) {
                        throw new IllegalStateException("embedding service down");
                    }
                }
                return MODEL.embedAll(segments);
            }

            @Override
            public int dimension() {
                return MODEL.dimension();
            }
        };
        try (ChunkIndex index = LuceneChunkIndex.open(dir.resolve("index"), failing)) {
            index.upsertAll(TestDocs.all());
            int chunks = index.chunkCount();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> index.replaceAll(second(), IndexProgress.NONE));
            assertTrue(e.getMessage().contains("embedding service down"), e.getMessage());
            assertEquals(chunks, index.chunkCount());
            assertEquals("volcano", index.searcher().search("magma and lava", SearchMode.FUSED, 1).get(0).chunk().docId());
            // the next ordinary write publishes nothing of the failed rebuild
            index.upsert(new Document("extra", "Extra", "extra.md", "A short note about kilns.", Map.of()));
            assertEquals(ids(TestDocs.all()).size() + 1, index.documentCount());
        }
    }
}
