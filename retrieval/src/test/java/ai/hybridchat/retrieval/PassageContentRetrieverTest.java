package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassageContentRetrieverTest {
    @TempDir
    Path dir;

    @Test
    void contentCarriesChunkTextAndCitationMetadata() {
        try (ChunkIndex index = LuceneChunkIndex.open(dir, Embeddings.allMiniLmL6V2())) {
            index.upsertAll(TestDocs.all());
            PassageContentRetriever retriever = new PassageContentRetriever(new LuceneRetriever(index), 2);

            List<Content> contents = retriever.retrieve(Query.from("Which garbage collector keeps pauses short?"));

            assertEquals(2, contents.size());
            Content top = contents.get(0);
            Metadata meta = top.textSegment().metadata();
            assertEquals("jvm-gc", meta.getString(PassageContentRetriever.DOC_ID));
            assertTrue(meta.getString(PassageContentRetriever.CHUNK_ID).startsWith("jvm-gc#"));
            assertEquals("Garbage collection on the JVM", meta.getString(PassageContentRetriever.TITLE));
            double score = meta.getDouble(PassageContentRetriever.SCORE);
            assertEquals(score, (Double) top.metadata().get(ContentMetadata.SCORE), 1e-12);
            assertTrue(score >= contents.get(1).textSegment().metadata().getDouble(PassageContentRetriever.SCORE));
            assertTrue(top.textSegment().text().contains("garbage collector")
                    || top.textSegment().text().contains("pause times"), top.textSegment().text());

            assertEquals(List.of(), retriever.retrieve(null));
            assertEquals(List.of(), new PassageContentRetriever(new LuceneRetriever(index), 2, 1.01)
                    .retrieve(Query.from("garbage collector")), "convex fusion scores are at most 1");
        }
    }
}
