package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalEvaluatorTest {
    /** The CISI benchmark, next to the repository ({@code -Dcisi.dir} overrides). */
    static final Path CISI = Path.of(System.getProperty("cisi.dir", "../../shared/data/cisi"));

    @TempDir
    Path dir;

    private void writeTinyBeir() throws IOException {
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("corpus.jsonl"), """
                {"_id": "d1", "title": "Volcanoes", "text": "Lava and magma erupt from the crater."}
                {"_id": "d2", "title": "Penguins", "text": "Emperor penguins breed in the Antarctic winter."}
                {"_id": "d3", "title": "Bread", "text": "A sourdough starter needs flour and water."}
                {"_id": "d4", "title": "", "text": ""}
                """);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "magma crater"}
                {"_id": "q2", "text": "penguins antarctic"}
                {"_id": "q3", "text": "unjudged query"}
                {"_id": "q4", "text": "only a non-relevant judgement"}
                """);
        Files.writeString(dir.resolve("qrels/test.tsv"), """
                query-id\tcorpus-id\tscore
                q1\td1\t2
                q1\td3\t1
                q2\td2\t1
                q4\td3\t0
                """);
    }

    @Test
    void loadsBeirLayout() throws IOException {
        writeTinyBeir();
        BeirDataset data = BeirDataset.load(dir);
        assertEquals(3, data.corpus().size(), "the empty entry is left out");
        assertEquals("Volcanoes\n\nLava and magma erupt from the crater.", data.corpus().get(0).text());
        assertEquals(List.of("q1", "q2"), data.judgedQueryIds());
        assertEquals(Map.of("d1", 2, "d3", 1), data.qrels().get("q1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BeirDataset.load(dir.resolve("qrels")));
        assertTrue(e.getMessage().contains("corpus.jsonl"), e.getMessage());
    }

    @Test
    void scoresATinyBenchmarkExactly() throws IOException {
        writeTinyBeir();
        RetrievalScores scores = new RetrievalEvaluator(null).evaluate(BeirDataset.load(dir), SearchMode.BM25);
        // q1: d1 (grade 2) first, d3 never matches "magma crater": DCG = 2, IDCG = 2 + 1/log2(3)
        double q1 = 2 / (2 + 1 / (Math.log(3) / Math.log(2)));
        assertEquals(2, scores.queries());
        assertEquals((q1 + 1.0) / 2, scores.ndcg10(), 1e-9);
        assertEquals((0.5 + 1.0) / 2, scores.recall100(), 1e-9);
        assertEquals((0.5 + 1.0) / 2, scores.map(), 1e-9);
    }

    @Test
    void bm25OnCisiReproducesLuceneReference() {
        assumeTrue(Files.isRegularFile(CISI.resolve("corpus.jsonl")), "CISI not found at " + CISI.toAbsolutePath());
        RetrievalScores scores = new RetrievalEvaluator(null).evaluate(BeirDataset.load(CISI), SearchMode.BM25);
        assertEquals(76, scores.queries());
        assertEquals(0.371, scores.ndcg10(), 0.005, scores.toString());
        assertEquals(0.435, scores.recall100(), 0.005, scores.toString());
        assertEquals(0.208, scores.map(), 0.005, scores.toString());
    }

    /** Issue 5's goal: the default hybrid at least 1.25x the BM25 anchor (0.464) and above plain fusion (0.448). */
    @Test
    @Tag("slow") // embeds the 1,460 CISI abstracts
    void defaultHybridOnCisiReachesItsGoal() {
        assumeTrue(Files.isRegularFile(CISI.resolve("corpus.jsonl")), "CISI not found at " + CISI.toAbsolutePath());
        RetrievalScores scores = new RetrievalEvaluator(Embeddings.allMiniLmL6V2()).evaluate(BeirDataset.load(CISI), SearchMode.FUSED);
        assertTrue(scores.ndcg10() >= 0.464, scores.toString());
    }
}
