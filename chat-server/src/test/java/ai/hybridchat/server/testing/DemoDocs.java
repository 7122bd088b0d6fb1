package ai.hybridchat.server.testing;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.core.io.ClasspathFolder;
import java.nio.file.Path;

/** The bundled demo documents, on disk and in a BM25-only index, for tests that need real retrieval. */
public final class DemoDocs {
    private DemoDocs() {
    }

    public static Path copyTo(Path dir) {
        new ClasspathFolder("demo/docs").copyTo(dir);
        return dir;
    }

    /** A chat service over {@code index} (BM25 retrieval) whose base model is scripted, for server tests. */
    public static ai.hybridchat.server.chat.ChatService scriptedChat(ChunkIndex index) {
        ai.hybridchat.retrieval.LuceneRetriever retriever = new ai.hybridchat.retrieval.LuceneRetriever(
                index.searcher(ai.hybridchat.retrieval.SearchOptions.defaults()),
                ai.hybridchat.retrieval.SearchMode.BM25);
        return ai.hybridchat.server.chat.ChatService.builder().retriever(retriever)
                .baseModel(new ScriptedChatModel("base"), "demo-base").build();
    }

    /** A lexical-only index of the demo documents (no embedding model to load). */
    public static ChunkIndex lexicalIndex(Path dir) {
        Path docs = copyTo(dir.resolve("docs"));
        ChunkIndex index = LuceneChunkIndex.open(dir.resolve("index"), null);
        new Ingestor(index).ingest(docs);
        return index;
    }
}
