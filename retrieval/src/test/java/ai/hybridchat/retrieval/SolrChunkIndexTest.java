package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hybridchat.core.Document;
import ai.hybridchat.core.RetrievedPassage;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk index on a real SolrCloud: {@link MiniSolrCloudCluster} (embedded ZooKeeper, two
 * Jetty nodes) in this JVM, a collection of 2 shards x 2 replicas created by the index itself
 * (configset upload, first generation, alias), the real MiniLM model. Checked against the local
 * Lucene index on the same documents: the same rankings in every mode.
 */
@Tag("slow")
class SolrChunkIndexTest {
    static final EmbeddingModel MODEL = Embeddings.allMiniLmL6V2();
    static MiniSolrCloudCluster cluster;
    static Path base;

    @BeforeAll
    static void startCluster() throws Exception {
        base = Files.createTempDirectory("solr-cluster");
        cluster = new MiniSolrCloudCluster.Builder(2, base).configure();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    static SolrChunkIndex.Settings settings(String collection) {
        List<String> urls = cluster.getJettySolrRunners().stream().map(j -> j.getBaseUrl().toString()).toList();
        return new SolrChunkIndex.Settings(urls, collection, 2, 2);
    }

    @Test
    void rankingsEqualTheLocalIndexInEveryMode(@TempDir Path local) {
        try (SolrChunkIndex solr = SolrChunkIndex.open(settings("same"), MODEL, Chunker.defaults());
             LuceneChunkIndex lucene = LuceneChunkIndex.open(local, MODEL)) {
            solr.upsertAll(TestDocs.all());
            lucene.upsertAll(TestDocs.all());
            assertEquals(lucene.documentCount(), solr.documentCount());
            assertEquals(lucene.chunkCount(), solr.chunkCount());
            assertEquals(lucene.documents(), solr.documents());
            for (String query : List.of("magma chamber and basalt lava", "how do I keep my sourdough starter alive",
                    "short pauses while the collector moves objects", "flightless birds near the south pole", "tax penalties")) {
                for (SearchMode mode : SearchMode.values()) {
                    List<RetrievedPassage> want = lucene.searcher().search(query, mode, 5);
                    List<RetrievedPassage> got = solr.searcher().search(query, mode, 5);
                    assertEquals(want.stream().map(p -> p.chunk().id()).toList(), got.stream().map(p -> p.chunk().id()).toList(),
                            mode + " " + query);
                    for (int i = 0; i < want.size(); i++) {
                        assertEquals(want.get(i).score(), got.get(i).score(), 1e-4, mode + " " + query + " score " + i);
                        assertEquals(want.get(i).chunk(), got.get(i).chunk());
                    }
                    assertEquals(lucene.searcher().rankDocuments(query, mode, 10), solr.searcher().rankDocuments(query, mode, 10));
                }
            }
        }
    }

    @Test
    void theClusterCanBeReachedThroughItsZooKeeper() {
        try (SolrChunkIndex byUrls = SolrChunkIndex.open(settings("zk"), MODEL, Chunker.defaults())) {
            byUrls.upsertAll(TestDocs.all());
        }
        String zk = cluster.getZkServer().getZkAddress();
        try (SolrChunkIndex byZk = SolrChunkIndex.open(new SolrChunkIndex.Settings(null, zk, "zk", 2, 2), MODEL, Chunker.defaults())) {
            assertTrue(byZk.location().contains("zk:" + zk), byZk.location());
            assertEquals(TestDocs.all().size(), byZk.documentCount());
            assertEquals("volcano", byZk.searcher().search("magma chamber and basalt lava", SearchMode.FUSED, 1).get(0).chunk().docId());
        }
    }

    @Test
    void updatesDeletesAndFiltersWorkAsLocally() {
        // an id with a space, a slash and brackets: every query by id must take it as one term
        String notes = "field notes/volcano (2).md";
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("updates"), MODEL, Chunker.defaults())) {
            assertTrue(index.upsertAll(TestDocs.all()).stream().allMatch(u -> u.outcome() == IndexUpdate.Outcome.ADDED));
            // the same content again: nothing rewritten, nothing embedded
            List<IndexUpdate> again = index.upsertAll(TestDocs.all());
            assertTrue(again.stream().allMatch(u -> u.outcome() == IndexUpdate.Outcome.UNCHANGED && u.embedded() == 0), again.toString());
            // a changed document: its unchanged chunks keep their stored vectors
            Document longer = new Document(TestDocs.VOLCANO.id(), TestDocs.VOLCANO.title(), TestDocs.VOLCANO.source(),
                    TestDocs.VOLCANO.text() + "\n\nObsidian is volcanic glass that forms when lava cools too fast for crystals.", Map.of());
            IndexUpdate updated = index.upsert(longer);
            assertEquals(IndexUpdate.Outcome.UPDATED, updated.outcome());
            assertTrue(updated.embedded() < updated.chunks() || updated.chunks() == 1, updated.toString());
            assertEquals("volcano", index.searcher().search("obsidian volcanic glass", SearchMode.BM25, 1).get(0).chunk().docId());
            assertEquals(index.chunks("volcano").size(), updated.chunks());

            index.upsert(new Document(notes, "Field notes", "notes.md",
                    "Lava from the volcano cooled into black basalt near the magma vent.", Map.of("team", "geology")));
            for (SearchMode mode : SearchMode.values()) {
                List<String> geology = index.searcher().search("volcano lava basalt", mode, 5, MetadataFilter.parse(List.of("team=geology")))
                        .stream().map(p -> p.chunk().docId()).distinct().toList();
                assertEquals(List.of(notes), geology, mode.toString());
                List<String> two = index.searcher().search("volcano lava basalt", mode, 5,
                        MetadataFilter.parse(List.of("docId=volcano", "docId=penguins"))).stream().map(p -> p.chunk().docId()).distinct().toList();
                assertTrue(!two.isEmpty() && List.of("volcano", "penguins").containsAll(two), mode + " " + two);
            }
            int before = index.documentCount();
            assertTrue(index.delete(notes));
            assertFalse(index.delete(notes));
            assertEquals(before - 1, index.documentCount());
            assertTrue(index.chunks(notes).isEmpty());
            assertTrue(index.searcher().search("black basalt magma vent", SearchMode.BM25, 10).stream()
                    .noneMatch(p -> p.chunk().docId().equals(notes)));
            index.clear();
            assertEquals(0, index.documentCount());
            assertEquals(0, index.chunkCount());
        }
    }

    @Test
    void theFullReindexSwapsTheAliasWhileSearchesRun() throws Exception {
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("swap"), MODEL, Chunker.defaults())) {
            index.upsertAll(TestDocs.all());
            String first = index.liveCollection();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger searches = new AtomicInteger();
            List<Throwable> failures = new ArrayList<>();
            Thread searcher = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        List<RetrievedPassage> hits = index.searcher().search("sourdough starter", SearchMode.FUSED, 3);
                        if (hits.isEmpty()) {
                            throw new AssertionError("a search found nothing mid-swap");
                        }
                        searches.incrementAndGet();
                    } catch (Throwable t) {
                        synchronized (failures) {
                            failures.add(t);
                        }
                    }
                }
            });
            searcher.start();
            List<Document> next = new ArrayList<>(TestDocs.all());
            next.add(new Document("bread", "Bread", "bread.md", "A sourdough starter is flour and water kept alive by feeding.", Map.of()));
            List<IndexUpdate> rebuilt = index.replaceAll(next, IndexProgress.NONE);
            String second = index.liveCollection();
            rebuilt = index.replaceAll(next, IndexProgress.NONE);
            Thread.sleep(500);
            stop.set(true);
            searcher.join();
            assertTrue(failures.isEmpty(), failures.size() + " failed searches: " + failures);
            assertTrue(searches.get() > 0);
            assertEquals(next.size(), rebuilt.size());
            assertTrue(rebuilt.stream().allMatch(u -> u.embedded() == 0), "every vector reused: " + rebuilt);
            assertNotEquals(first, second);
            var aliases = new CollectionAdminRequest.ListAliases().process(index.client()).getAliases();
            assertEquals(index.liveCollection(), aliases.get("swap"));
            List<String> collections = CollectionAdminRequest.listCollections(index.client());
            assertFalse(collections.contains(first), "the generation before the previous one is dropped: " + collections);
            assertTrue(collections.contains(second), "the previous generation is kept for searches in flight: " + collections);
            assertEquals(next.size(), index.documentCount());
        }
        // another client opens the alias's current generation
        try (SolrChunkIndex reopened = SolrChunkIndex.open(settings("swap"), MODEL, Chunker.defaults())) {
            assertEquals("bread", reopened.searcher().search("flour and water kept alive by feeding", SearchMode.BM25, 1).get(0).chunk().docId());
        }
    }

    @Test
    void searchesGoOnWhileANodeIsDown() throws Exception {
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("failover"), MODEL, Chunker.defaults())) {
            index.upsertAll(TestDocs.all());
            cluster.waitForActiveCollection(index.liveCollection(), 2, 4);
            JettySolrRunner stopped = cluster.getJettySolrRunner(1);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean settled = new AtomicBoolean();
            AtomicInteger duringFailover = new AtomicInteger();
            AtomicInteger afterSettled = new AtomicInteger();
            AtomicInteger searches = new AtomicInteger();
            Thread loop = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (index.searcher().search("magma chamber", SearchMode.BM25, 3).isEmpty()) {
                            throw new AssertionError("no hit");
                        }
                        searches.incrementAndGet();
                    } catch (Throwable t) {
                        (settled.get() ? afterSettled : duringFailover).incrementAndGet();
                    }
                }
            });
            loop.start();
            Thread.sleep(300);
            cluster.stopJettySolrRunner(stopped);
            cluster.waitForJettyToStop(stopped);
            // the cluster reports the collection served by the live node alone: 2 shards, 2 active replicas
            cluster.getZkStateReader().waitForState(index.liveCollection(), 60, TimeUnit.SECONDS,
                    (nodes, state) -> state != null && state.getSlices().stream().allMatch(s -> s.getLeader() != null
                            && s.getLeader().isActive(nodes)));
            settled.set(true);
            Thread.sleep(2000);
            stop.set(true);
            loop.join();
            System.out.println("fail-over: " + duringFailover.get() + " failed searches while a node went down, "
                    + afterSettled.get() + " after the cluster settled, " + searches.get() + " succeeded");
            assertEquals(0, afterSettled.get(), "no failed search once the live replicas lead");
            assertTrue(searches.get() > 0);
            cluster.startJettySolrRunner(stopped);
            cluster.waitForActiveCollection(index.liveCollection(), 2, 4);
            assertFalse(index.searcher().search("magma chamber", SearchMode.FUSED, 3).isEmpty());
        }
    }

    /**
     * Issue 18's equivalence: CISI (1,460 abstracts, 76 judged queries) on a 2-shard collection
     * scores as on the local index in every mode (nDCG@10 within 0.005). The vectors are made once
     * and shared by both engines, so the check is about the engines, not about embedding twice.
     */
    @Test
    void cisiScoresTheSameOnTwoShardsAsLocally() {
        assumeTrue(Files.isRegularFile(RetrievalEvaluatorTest.CISI.resolve("corpus.jsonl")),
                "CISI not found at " + RetrievalEvaluatorTest.CISI.toAbsolutePath());
        BeirDataset cisi = BeirDataset.load(RetrievalEvaluatorTest.CISI);
        EmbeddingModel once = new MemoizedEmbeddings(MODEL);
        List<SearchMode> modes = List.of(SearchMode.values());
        RetrievalEvaluator local = new RetrievalEvaluator(once);
        Map<SearchMode, RetrievalScores> want = local.evaluate(cisi, modes);
        Map<SearchMode, RetrievalScores> got = local.on((model, chunker) -> SolrChunkIndex.open(settings("cisi"), model, chunker))
                .evaluate(cisi, modes);
        for (SearchMode mode : modes) {
            System.out.printf(java.util.Locale.ROOT, "CISI %s: local nDCG@10 %.4f, Solr 2x2 %.4f%n", mode.wireName(),
                    want.get(mode).ndcg10(), got.get(mode).ndcg10());
            assertEquals(want.get(mode).ndcg10(), got.get(mode).ndcg10(), 0.005, mode.toString());
            assertEquals(want.get(mode).queries(), got.get(mode).queries());
        }
    }

    @Test
    void aRebuildWithAnotherModelMovesTheCollectionToItsVectors(@TempDir Path local) {
        EmbeddingModel hashing = new HashingEmbeddings(256);
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("switch"), MODEL, Chunker.defaults())) {
            index.upsertAll(TestDocs.all());
            String before = index.liveCollection();
            List<IndexUpdate> rebuilt = index.replaceAll(TestDocs.all(), IndexProgress.NONE, hashing);
            assertTrue(rebuilt.stream().allMatch(u -> u.embedded() == u.chunks()), "every vector made anew: " + rebuilt);
            assertNotEquals(before, index.liveCollection());
            assertEquals("hashing-256", index.embeddingModelName());
            try (LuceneChunkIndex same = LuceneChunkIndex.open(local, hashing)) {
                same.upsertAll(TestDocs.all());
                for (String query : List.of("sourdough starter flour", "lava and magma", "penguins on the ice")) {
                    // the best hits (the tail holds documents sharing no word, tied at cosine 0 in any order)
                    assertEquals(same.searcher().rankDocuments(query, SearchMode.DENSE, 5).subList(0, 2),
                            index.searcher().rankDocuments(query, SearchMode.DENSE, 5).subList(0, 2), query);
                }
            }
        }
        try (SolrChunkIndex reopened = SolrChunkIndex.open(settings("switch"), hashing, Chunker.defaults())) {
            assertFalse(reopened.embeddingModelChanged(), "the collection records the new model");
        }
        IllegalStateException old = assertThrows(IllegalStateException.class,
                () -> SolrChunkIndex.open(settings("switch"), MODEL, Chunker.defaults()));
        assertTrue(old.getMessage().contains("256-dimensional"), old.getMessage());
    }

    /** Words hashed into a normalised bag of {@code dimension} counts: a weak but real embedding of another dimension. */
    static final class HashingEmbeddings implements EmbeddingModel {
        private final int dimension;

        HashingEmbeddings(int dimension) {
            this.dimension = dimension;
        }

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> out = new ArrayList<>();
            for (TextSegment t : segments) {
                float[] v = new float[dimension];
                for (String w : t.text().toLowerCase(java.util.Locale.ROOT).split("\\W+")) {
                    if (!w.isEmpty()) {
                        v[Math.floorMod(w.hashCode(), dimension)] += 1;
                    }
                }
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                for (int i = 0; i < dimension; i++) {
                    v[i] = norm == 0 ? (i == 0 ? 1 : 0) : (float) (v[i] / Math.sqrt(norm));
                }
                out.add(Embedding.from(v));
            }
            return Response.from(out);
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public String modelName() {
            return "hashing-" + dimension;
        }
    }

    @Test
    void aLexicalCollectionTakesVectorsAfterARebuild() {
        try (SolrChunkIndex lexical = SolrChunkIndex.open(settings("lexical"), null, Chunker.defaults())) {
            lexical.upsertAll(TestDocs.all());
            assertThrows(IllegalStateException.class, () -> lexical.searcher().search("lava", SearchMode.DENSE, 3));
        }
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("lexical"), MODEL, Chunker.defaults())) {
            assertTrue(index.embeddingModelChanged(), "a schema without vectors");
            IllegalStateException add = assertThrows(IllegalStateException.class, () -> index.upsertAll(TestDocs.all()));
            assertTrue(add.getMessage().contains("holds no vectors"), add.getMessage());
            index.replaceAll(TestDocs.all(), IndexProgress.NONE);
            assertEquals("volcano", index.searcher().search("mountain that erupts molten rock", SearchMode.DENSE, 1).get(0).chunk().docId());
        }
        try (SolrChunkIndex bm25Only = SolrChunkIndex.open(settings("lexical"), null, Chunker.defaults())) {
            IllegalStateException add = assertThrows(IllegalStateException.class, () -> bm25Only.upsertAll(TestDocs.all()));
            assertTrue(add.getMessage().contains("stores vectors"), add.getMessage());
            assertFalse(bm25Only.searcher().search("lava", SearchMode.BM25, 3).isEmpty());
        }
    }

    @Test
    void anotherEmbeddingModelIsRefusedUntilTheCollectionIsRebuilt() {
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("models"), MODEL, Chunker.defaults())) {
            index.upsertAll(TestDocs.all());
        }
        EmbeddingModel renamed = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                return MODEL.embedAll(segments);
            }

            @Override
            public int dimension() {
                return MODEL.dimension();
            }

            @Override
            public String modelName() {
                return "another-model";
            }
        };
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("models"), renamed, Chunker.defaults())) {
            assertTrue(index.embeddingModelChanged());
            IllegalStateException dense = assertThrows(IllegalStateException.class,
                    () -> index.searcher().search("lava", SearchMode.DENSE, 3));
            assertTrue(dense.getMessage().contains("another model"), dense.getMessage());
            assertThrows(IllegalStateException.class, () -> index.upsertAll(TestDocs.all()));
            assertFalse(index.searcher().search("lava", SearchMode.BM25, 3).isEmpty(), "BM25 does not need the vectors");
            index.replaceAll(TestDocs.all(), IndexProgress.NONE);
            assertFalse(index.embeddingModelChanged());
            assertFalse(index.searcher().search("lava", SearchMode.DENSE, 3).isEmpty());
        }
        try (SolrChunkIndex index = SolrChunkIndex.open(settings("models"), MODEL, Chunker.defaults())) {
            assertTrue(index.embeddingModelChanged(), "the collection now records another-model");
        }
    }
}
