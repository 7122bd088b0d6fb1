package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkerTest {
    private static Document doc(String text) {
        return new Document("guide", "The Guide", "guide.md", text, Map.of());
    }

    @Test
    void splitsIntoBoundedChunksWithStableIdsAndHashes() {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 6; p++) {
            for (int s = 0; s < 5; s++) {
                text.append("Paragraph ").append(p).append(" sentence ").append(s).append(" says something useful. ");
            }
            text.append("\n\n");
        }

        List<Chunk> chunks = Chunker.recursive(200, 20).chunk(doc(text.toString()));

        assertTrue(chunks.size() >= 6, "chunks: " + chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            assertEquals("guide#" + i, c.id());
            assertEquals(i, c.ordinal());
            assertEquals("guide", c.docId());
            assertEquals("The Guide", c.title());
            assertEquals("guide.md", c.source());
            assertTrue(c.text().length() <= 200, c.text().length() + ": " + c.text());
            assertEquals(ContentHash.sha256(c.title() + "\u0000" + c.text()), c.contentHash());
            assertEquals(64, c.contentHash().length());
        }
        assertTrue(chunks.get(chunks.size() - 1).text().contains("Paragraph 5"));
    }

    @Test
    void headingsAreNeverAChunkOfTheirOwn() {
        String first = "Tanner Lane Footbridge carries a narrow path over the River Lisk, from the old tannery yards to "
                + "Cobbler's Green. It was designed by Josiah Pellow, the borough surveyor, and opened in 1868.";
        String second = "Its slender profile soon earned it the nickname \"the Tin Ribbon\", and the great flood of 1894 "
                + "tested it hard, yet the ironwork held.";
        // chunks small enough that each section is a chunk of its own
        List<Chunk> chunks = Chunker.recursive(220, 0).chunk(doc("# Tanner Lane Footbridge\n\n" + first
                + "\n\n## Floods\n\n" + second + "\n\n## Notes"));

        for (Chunk c : chunks) {
            assertTrue(c.text().lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")) || c.ordinal() == chunks.size() - 1,
                    "a chunk of headings only: " + c.text());
        }
        assertTrue(chunks.get(0).text().startsWith("# Tanner Lane Footbridge\n\nTanner Lane Footbridge carries"), chunks.get(0).text());
        assertTrue(chunks.stream().anyMatch(c -> c.text().startsWith("## Floods\n\nIts slender profile")), chunks.toString());
        assertTrue(chunks.stream().anyMatch(c -> c.text().contains("Josiah Pellow")));
    }

    @Test
    void sameTextSameChunks() {
        String text = "Alpha beta gamma. ".repeat(80);
        assertEquals(Chunker.defaults().chunk(doc(text)), Chunker.defaults().chunk(doc(text)));
    }

    @Test
    void wholeDocumentsMakeOneChunk() {
        List<Chunk> chunks = Chunker.wholeDocuments().chunk(doc("  " + "word ".repeat(500) + " "));
        assertEquals(1, chunks.size());
        assertEquals("guide#0", chunks.get(0).id());
        assertEquals(("word ".repeat(500)).strip(), chunks.get(0).text());
    }

    @Test
    void rejectsBadSettingsAndBlankDocuments() {
        assertThrows(IllegalArgumentException.class, () -> Chunker.recursive(100, 100));
        assertThrows(IllegalArgumentException.class, () -> Chunker.recursive(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Chunker.defaults().chunk(doc("  \n ")));
    }

    @Test
    void sha256MatchesKnownVector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentHash.sha256("abc"));
    }
}
