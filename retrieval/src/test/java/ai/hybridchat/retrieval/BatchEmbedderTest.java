package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchEmbedderTest {
    private static final BatchEmbedder MINILM = new BatchEmbedder(Embeddings.allMiniLmL6V2());

    @Test
    void aLongPassageIsCutIntoTheFewestEqualWindowsThatFit() {
        assertEquals(List.of("one two  three"), BatchEmbedder.windows("one two  three"));
        String words141 = String.join(" ", Collections.nCopies(141, "w"));
        List<String> windows = BatchEmbedder.windows(words141);
        assertEquals(3, windows.size());
        assertEquals(List.of(47, 47, 47), windows.stream().map(w -> w.split(" ").length).toList());
        assertEquals(2, BatchEmbedder.windows(String.join(" ", Collections.nCopies(140, "w"))).size());
    }

    @Test
    void thePassageVectorSeesWhatComesAfterTheModelsTokenLimit() {
        // 120 words on glass-making, then a paragraph on the subject of the query: MiniLM alone reads
        // only the first 128 tokens and never sees that paragraph
        String filler = String.join(" ", Collections.nCopies(20, "Glass is blown at the furnace."));
        String passage = filler + " The library catalogue indexes medieval manuscripts by their subject headings."
                + " Librarians assign subject headings to every manuscript, and readers search the catalogue by"
                + " subject, author and title. The catalogue of manuscripts is kept up to date by the library staff.";
        String query = "library catalogue subject headings for manuscripts";
        float[] windowed = MINILM.embedAll(List.of(passage)).get(0);
        float[] truncated = Embeddings.allMiniLmL6V2().embed(passage).content().vector();
        float[] queryVector = MINILM.embed(query);
        assertTrue(cosine(queryVector, windowed) > cosine(queryVector, truncated) + 0.1,
                "windowed " + cosine(queryVector, windowed) + " vs truncated " + cosine(queryVector, truncated));
        assertEquals(1.0, Math.sqrt(cosine(windowed, windowed)), 1e-5);
    }

    @Test
    void aShortPassageIsEmbeddedAsItIs() {
        String text = "The Wren lamp costs 145 euros.";
        assertArrayEquals(Embeddings.allMiniLmL6V2().embed(text).content().vector(), MINILM.embedAll(List.of(text)).get(0));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
