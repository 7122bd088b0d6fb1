package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import ai.hybridchat.core.RetrievedPassage;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** A real Lucene index on disk with the real MiniLM model: indexing, the three modes, updates, deletes, reopening. */
class ChunkIndexSearchTest {
    private static final EmbeddingModel MODEL = Embeddings.allMiniLmL6V2();

    @TempDir
    Path dir;

    private ChunkIndex index;
    private ChunkSearch searcher;

    @BeforeEach
    void indexDocs() {
        index = LuceneChunkIndex.open(dir, MODEL);
        List<IndexUpdate> updates = index.upsertAll(TestDocs.all());
        assertTrue(updates.stream().allMatch(u -> u.outcome() == IndexUpdate.Outcome.ADDED), updates.toString());
        searcher = index.searcher();
    }

    @AfterEach
    void close() {
        index.close();
    }

    private List<String> docIds(String query, SearchMode mode, int k) {
        return searcher.search(query, mode, k).stream().map(p -> p.chunk().docId()).toList();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "BM25,   magma chamber and basalt lava,                         volcano",
            "BM25,   G1 heap regions garbage,                               jvm-gc",
            "DENSE,  flightless birds living on the ice near the south pole, penguins",
            "DENSE,  mountain that erupts molten rock,                      volcano",
            "DENSE,  how do I pay less in penalties when I submit my income statement late, taxes",
            "FUSED,  how do I keep my sourdough starter alive,              sourdough",
            "FUSED,  short pauses while the collector moves objects,        jvm-gc",
    })
    void eachModeFindsTheRightDocument(SearchMode mode, String query, String expected) {
        List<RetrievedPassage> hits = searcher.search(query, mode, 3);
        assertFalse(hits.isEmpty());
        assertEquals(expected, hits.get(0).chunk().docId(), () -> mode + " " + query + " -> " + hits);
        for (int i = 1; i < hits.size(); i++) {
            assertTrue(hits.get(i - 1).score() >= hits.get(i).score(), "best first");
        }
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void aMetadataFilterKeepsOnlyMatchingChunksInEveryMode(SearchMode mode) {
        index.upsert(new Document("volcano-notes", "Field notes", "notes.md",
                "Lava from the volcano cooled into black basalt near the magma vent.", java.util.Map.of("format", "markdown", "team", "geology")));
        // unfiltered, the volcano page and the notes compete; filtered, only what is allowed comes back
        List<RetrievedPassage> geology = searcher.search("volcano lava basalt", mode, 5,
                MetadataFilter.parse(List.of("team=geology")));
        assertEquals(List.of("volcano-notes"), geology.stream().map(p -> p.chunk().docId()).distinct().toList(), mode.toString());
        assertEquals("geology", geology.get(0).chunk().metadata().get("team"));
        List<String> eitherDoc = searcher.search("volcano lava basalt", mode, 5,
                MetadataFilter.parse(List.of("docId=volcano", "docId=penguins"))).stream().map(p -> p.chunk().docId()).distinct().toList();
        assertEquals("volcano", eitherDoc.get(0), mode.toString());
        assertFalse(eitherDoc.contains("volcano-notes"), eitherDoc.toString());
        assertTrue(searcher.search("volcano", mode, 5, MetadataFilter.parse(List.of("team=nobody"))).isEmpty());
    }

    @Test
    void aFilterTermWithoutKeyOrValueIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetadataFilter.parse(List.of("team")));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void countsDocumentsAndChunks() {
        assertEquals(5, index.documentCount());
        assertTrue(index.chunkCount() >= 5, "chunks " + index.chunkCount());
        assertEquals(List.of("jvm-gc", "penguins", "sourdough", "taxes", "volcano"),
                index.documents().stream().map(IndexedDocument::docId).toList());
        int total = index.documents().stream().mapToInt(IndexedDocument::chunks).sum();
        assertEquals(index.chunkCount(), total);
        List<Chunk> chunks = index.chunks("volcano");
        assertEquals("volcano#0", chunks.get(0).id());
        assertEquals("Volcanoes", chunks.get(0).title());
    }

    @Test
    void passagesCarryTheChunkAndAShortHighlightedSnippet() {
        RetrievedPassage top = searcher.search("Antarctic winter egg", SearchMode.BM25, 1).get(0);
        assertEquals("penguins", top.chunk().docId());
        assertEquals("Emperor penguins", top.chunk().title());
        assertEquals("penguins.md", top.chunk().source());
        assertTrue(top.chunk().id().startsWith("penguins#"));
        assertEquals(ContentHash.sha256(top.chunk().title() + "\u0000" + top.chunk().text()), top.chunk().contentHash());
        String snippet = top.snippet();
        assertTrue(snippet.contains("<b>Antarctic</b>") && snippet.contains("<b>winter</b>"), snippet);
        assertTrue(snippet.replaceAll("<[^>]+>", "").length() <= 241, snippet);
        assertEquals(top.toCitation().snippet(), snippet);

        index.upsert(TestDocs.doc("long", "Long", "word ".repeat(100) + "needle " + "word ".repeat(100)));
        RetrievedPassage hit = searcher.search("needle", SearchMode.BM25, 1).get(0);
        assertEquals("long", hit.chunk().docId());
        assertTrue(hit.snippet().contains("<b>needle</b>"), hit.snippet());
        assertTrue(hit.snippet().replaceAll("<[^>]+>", "").length() <= 245, hit.snippet());

        RetrievedPassage dense = searcher.search("flightless birds on frozen seas", SearchMode.DENSE, 1).get(0);
        assertFalse(dense.snippet().isBlank(), "a dense hit without query terms still gets a snippet");
    }

    @Test
    void updateReplacesTheOldVersion() {
        assertEquals("penguins", docIds("emperor penguins antarctic egg", SearchMode.BM25, 1).get(0));

        IndexUpdate update = index.upsert(TestDocs.doc("penguins", "Espresso", """
                An espresso machine forces hot water through finely ground coffee at about nine bars of pressure."""));

        assertEquals(IndexUpdate.Outcome.UPDATED, update.outcome());
        assertEquals(5, index.documentCount());
        assertFalse(docIds("emperor penguins antarctic egg", SearchMode.BM25, 5).contains("penguins"));
        RetrievedPassage top = searcher.search("espresso machine pressure", SearchMode.FUSED, 1).get(0);
        assertEquals("penguins", top.chunk().docId());
        assertEquals("Espresso", top.chunk().title());
        assertEquals(1, index.chunks("penguins").size());
    }

    @Test
    void unchangedDocumentsAreSkippedAndUnchangedChunksReuseTheirVectors() {
        IndexUpdate same = index.upsert(TestDocs.VOLCANO);
        assertEquals(IndexUpdate.Outcome.UNCHANGED, same.outcome());
        assertEquals(0, same.embedded());

        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 6; p++) {
            text.append("Paragraph ").append(p).append(" of the starter guide: feed it flour and water, keep it warm, ")
                    .append("and wait until it is bubbly before baking. Discard half before each feeding.\n\n");
        }
        Document longer = TestDocs.doc("sourdough", TestDocs.SOURDOUGH.title(), text.toString());
        IndexUpdate first = index.upsert(longer);
        assertTrue(first.chunks() >= 2, "needs a multi-chunk document: " + first);
        assertEquals(first.chunks(), first.embedded());
        Document edited = TestDocs.doc("sourdough", TestDocs.SOURDOUGH.title(),
                text + "Rye flour makes a livelier starter than white flour.");
        IndexUpdate changed = index.upsert(edited);
        assertEquals(IndexUpdate.Outcome.UPDATED, changed.outcome());
        assertTrue(changed.embedded() >= 1 && changed.embedded() < changed.chunks(), changed.toString());
        assertEquals("sourdough", docIds("rye flour livelier", SearchMode.DENSE, 1).get(0));
    }

    @Test
    void deleteRemovesEveryChunkOfTheDocument() {
        assertTrue(index.delete("volcano"));
        assertFalse(index.delete("volcano"));
        assertEquals(4, index.documentCount());
        assertEquals(List.of(), index.chunks("volcano"));
        for (SearchMode mode : SearchMode.values()) {
            assertFalse(docIds("volcano magma lava eruption", mode, 10).contains("volcano"), mode.name());
        }
    }

    @ParameterizedTest
    @EnumSource(SearchMode.class)
    void emptyQueryIsAClearError(SearchMode mode) {
        for (String empty : new String[] {"", "   ", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> searcher.search(empty, mode, 5));
            assertEquals("query must not be empty", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> searcher.search("lava", mode, 0));
    }

    @Test
    void queryTextIsLiteralNotLuceneSyntax() {
        for (String q : new String[] {"lava AND", "(magma", "title:\"volcano", "C++ && || ! ~ * ? \\", "NOT OR AND", "the of and"}) {
            for (SearchMode mode : SearchMode.values()) {
                searcher.search(q, mode, 3); // must not throw
            }
        }
        assertEquals("volcano", docIds("magma AND NOT lava", SearchMode.BM25, 1).get(0));
        assertEquals(List.of(), docIds("the of and", SearchMode.BM25, 3), "stopwords only: nothing to match");
    }

    @Test
    void indexSurvivesReopen() {
        int chunks = index.chunkCount();
        index.close();
        index = LuceneChunkIndex.open(dir, MODEL);
        searcher = index.searcher();
        assertEquals(5, index.documentCount());
        assertEquals(chunks, index.chunkCount());
        assertEquals("penguins", docIds("flightless birds living on the ice near the south pole", SearchMode.DENSE, 1).get(0));
        assertEquals("volcano", docIds("magma chamber", SearchMode.FUSED, 1).get(0));
        assertEquals(IndexUpdate.Outcome.UNCHANGED, index.upsert(TestDocs.TAXES).outcome());
    }

    @Test
    void everyWriteIsCommittedSoOtherReadersSeeItWithoutAClose() throws Exception {
        assertEquals(index.chunkCount(), LuceneChunkIndex.committedChunkCount(dir));
        try (ChunkIndex reader = LuceneChunkIndex.openReadOnly(dir, null)) {
            ChunkSearch readOnly = reader.searcher();
            assertEquals("taxes", readOnly.search("fiscal year deductible receipts", SearchMode.BM25, 1).get(0).chunk().docId());
            index.delete("taxes");
            assertEquals(4, reader.documentCount(), "the reader picks up the new commit");
            assertThrows(IllegalStateException.class, () -> reader.upsert(TestDocs.TAXES));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> readOnly.search("taxes", SearchMode.DENSE, 1));
            assertTrue(e.getMessage().contains("embedding model"), e.getMessage());
        }
    }

    @Test
    void aZeroFusionWeightLeavesTheOtherRanking() {
        String query = "freezing blizzards memory";
        List<String> bm25 = docIds(query, SearchMode.BM25, 5);
        List<String> lexicalOnly = index.searcher(SearchOptions.defaults().withWeights(1, 0))
                .search(query, SearchMode.FUSED, 5).stream().map(p -> p.chunk().docId()).toList();
        assertEquals(bm25.get(0), lexicalOnly.get(0));
        List<String> denseOnly = index.searcher(SearchOptions.defaults().withWeights(0, 1))
                .search(query, SearchMode.FUSED, 5).stream().map(p -> p.chunk().docId()).toList();
        assertEquals(docIds(query, SearchMode.DENSE, 5).get(0), denseOnly.get(0));
    }

    @Test
    void openingWithAModelOfAnotherDimensionIsRefused() {
        index.close();
        EmbeddingModel other = new dev.langchain4j.model.embedding.EmbeddingModel() {
            @Override
            public dev.langchain4j.model.output.Response<List<dev.langchain4j.data.embedding.Embedding>> embedAll(
                    List<dev.langchain4j.data.segment.TextSegment> segments) {
                return dev.langchain4j.model.output.Response.from(segments.stream()
                        .map(s -> new dev.langchain4j.data.embedding.Embedding(new float[] {1, 0})).toList());
            }

            @Override
            public int dimension() {
                return 2;
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LuceneChunkIndex.open(dir, other));
        assertTrue(e.getMessage().contains("384"), e.getMessage());
        index = LuceneChunkIndex.open(dir, MODEL);
        assertNotEquals(0, index.chunkCount());
    }
}
