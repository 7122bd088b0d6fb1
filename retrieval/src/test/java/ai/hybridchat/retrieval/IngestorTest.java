package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestorTest {
    @TempDir
    Path docs;
    @TempDir
    Path indexDir;

    @Test
    void indexesTheGoodFilesAndReportsTheRest() throws IOException {
        Files.writeString(docs.resolve("volcano.md"), "# Volcanoes\n\n" + TestDocs.VOLCANO.text());
        Files.writeString(docs.resolve("penguins.html"),
                "<html><head><title>Emperor penguins</title></head><body><p>" + TestDocs.PENGUINS.text() + "</p></body></html>");
        Files.writeString(docs.resolve("taxes.txt"), TestDocs.TAXES.text());
        Files.writeString(docs.resolve("report.docx"), "not supported");
        Files.write(docs.resolve("image.txt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0});

        try (ChunkIndex index = LuceneChunkIndex.open(indexDir, Embeddings.allMiniLmL6V2())) {
            Ingestor ingestor = new Ingestor(index);
            IngestReport report = ingestor.ingest(docs);

            assertEquals(3, report.count(IndexUpdate.Outcome.ADDED), report.summary());
            assertEquals(List.of("image.txt", "report.docx"),
                    report.skipped().stream().map(s -> s.path().getFileName().toString()).sorted().toList());
            assertEquals(3, index.documentCount());
            assertEquals(report.chunks(), index.chunkCount());
            assertTrue(report.summary().startsWith("3 added, 0 updated, 0 unchanged"), report.summary());

            LuceneRetriever retriever = new LuceneRetriever(index);
            assertEquals(SearchMode.FUSED, retriever.mode());
            var top = retriever.retrieve("emperor penguin egg", 1).get(0);
            assertEquals("penguins", top.chunk().docId());
            assertEquals("Emperor penguins", top.chunk().title());
            assertEquals("penguins.html", top.chunk().source());

            IngestReport again = ingestor.ingest(docs);
            assertEquals(3, again.count(IndexUpdate.Outcome.UNCHANGED), again.summary());
            assertEquals(2, again.skipped().size());
        }
    }

    @Test
    void aSyncAppliesTheFoldersAdditionsChangesAndDeletions() throws IOException {
        Files.writeString(docs.resolve("volcano.md"), "# Volcanoes\n\n" + TestDocs.VOLCANO.text());
        Files.writeString(docs.resolve("taxes.txt"), TestDocs.TAXES.text());
        try (ChunkIndex index = LuceneChunkIndex.open(indexDir, null)) {
            Ingestor ingestor = new Ingestor(index);
            assertEquals(2, ingestor.sync(docs).count(IndexUpdate.Outcome.ADDED));

            Files.writeString(docs.resolve("taxes.txt"), "The levy on lamp oil rose to nine crowns in the spring of 1767.");
            Files.delete(docs.resolve("volcano.md"));
            Files.writeString(docs.resolve("penguins.txt"), TestDocs.PENGUINS.text());
            IngestReport report = ingestor.sync(docs);
            assertEquals(1, report.count(IndexUpdate.Outcome.ADDED), report.summary());
            assertEquals(1, report.count(IndexUpdate.Outcome.UPDATED), report.summary());
            assertEquals(List.of("volcano"), report.deleted());
            assertTrue(report.changed());
            assertTrue(report.summary().contains("1 deleted"), report.summary());
            assertEquals(List.of("penguins", "taxes"), index.documents().stream().map(IndexedDocument::docId).sorted().toList());
            var top = index.searcher(SearchOptions.defaults()).search("levy lamp oil", SearchMode.BM25, 1,
                    MetadataFilter.NONE).get(0);
            assertTrue(top.chunk().text().contains("nine crowns"), top.chunk().text());

            IngestReport again = ingestor.sync(docs);
            assertTrue(!again.changed(), again.summary());
        }
    }
}
