package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import java.util.Locale;

/**
 * What a chunk means but does not say: its document's title, when the chunk's own text does not
 * start with it. A catalogue entry's second paragraph ("It weighs 180 grams.") names no product,
 * so BM25 and the embedding could not tell it from any other entry's; indexing the title beside it
 * (a searched field, and a line before the text that is embedded) gives every chunk its subject, as
 * contextual chunk headers do. A chunk that starts with its title (a document's first chunk, a BEIR
 * passage whose text begins with its title) gets nothing added, so such collections rank as before.
 */
final class ChunkContext {
    private ChunkContext() {
    }

    /** The title the chunk's text lacks, or "" when it has none or starts with it. */
    static String missingTitle(Chunk chunk) {
        String title = chunk.title();
        if (title == null || title.isBlank() || title.equals(chunk.docId())) {
            return "";
        }
        String start = chunk.text().replaceFirst("^[#\\s]+", "").toLowerCase(Locale.ROOT);
        return start.startsWith(title.strip().toLowerCase(Locale.ROOT)) ? "" : title.strip();
    }

    /** The text the embedding model reads for a chunk: its missing title, then its text. */
    static String embeddedText(Chunk chunk) {
        String title = missingTitle(chunk);
        return title.isEmpty() ? chunk.text() : title + "\n" + chunk.text();
    }
}
