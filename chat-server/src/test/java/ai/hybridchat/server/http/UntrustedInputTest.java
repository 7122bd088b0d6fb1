package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What strangers send: feedback that would fill the disk or poison preference data, and uploads
 * the index cannot hold. Each is refused before anything is written, on a real server and index.
 */
class UntrustedInputTest {
    static final String TOKEN = "untrusted-test-token";
    static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ChunkIndex index;
    static Javalin app;
    static Http http;

    @BeforeAll
    static void start() {
        index = DemoDocs.lexicalIndex(dir);
        ChatService chat = DemoDocs.scriptedChat(index);
        app = ChatServer.create(ChatServer.Parts.of(chat, index).dataDir(dir).adminToken(TOKEN).build()).start(0);
        http = new Http(app.port());
    }

    @AfterAll
    static void stop() {
        app.stop();
        index.close();
    }

    @Test
    void anAmplifyingFeedbackPostIsRefusedAndWritesNothing() throws Exception {
        // the payload: one long chosen answer and 708 empty ones, 54 KB, once 68 MB on disk
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("hybrid", "x".repeat(50_000 / 708 * 700));
        for (int i = 0; i < 708; i++) {
            answers.put("m" + i, "");
        }
        String body = JSON.writeValueAsString(Map.of("question", "q", "answers", answers, "best", "hybrid"));
        assertTrue(body.length() > 50_000, "about 54 KB: " + body.length());
        long before = size("preferences.jsonl") + size("feedback.jsonl");
        ChatServerTest.assertError(http.post("/api/feedback", body), 400, "bad_request");
        assertEquals(before, size("preferences.jsonl") + size("feedback.jsonl"));
    }

    @Test
    void feedbackThatWouldPoisonPreferenceDataIsRefused() throws Exception {
        long before = size("preferences.jsonl") + size("feedback.jsonl");
        for (String bad : List.of(
                "{\"question\":\"q\",\"answers\":{\"rag\":\"\",\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"answers\":{\"rag\":\"   \",\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"answers\":{\"rag\":7,\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"answers\":{\"rag\":null,\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"answers\":{\"rag\":{\"a\":1},\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"answers\":{\"banana\":\"a\",\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"\",\"answers\":{\"rag\":\"a\",\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":[\"q\"],\"answers\":{\"rag\":\"a\",\"hybrid\":\"good\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"answers\":{\"rag\":\"a\",\"hybrid\":\"good\"},\"best\":7}",
                "{\"question\":\"q\",\"answers\":{\"rag\":\"a\",\"hybrid\":\"" + "y".repeat(20_001) + "\"},\"best\":\"hybrid\"}",
                "{\"question\":\"q\",\"mode\":\"rag\",\"answer\":\"\",\"rating\":\"up\"}",
                "{\"question\":\"q\",\"mode\":42,\"answer\":\"a\",\"rating\":\"up\"}",
                "{\"question\":\"q\",\"answer\":\"a\",\"rating\":[\"up\"]}")) {
            ChatServerTest.assertError(http.post("/api/feedback", bad), 400, "bad_request");
        }
        assertEquals(before, size("preferences.jsonl") + size("feedback.jsonl"));
    }

    @Test
    void aLoneSurrogateIsAClientErrorNotAServerError() throws Exception {
        long before = size("preferences.jsonl") + size("feedback.jsonl");
        ChatServerTest.assertError(http.post("/api/feedback",
                "{\"question\":\"q\\ud800\",\"answers\":{\"rag\":\"a\",\"hybrid\":\"good\"},\"best\":\"hybrid\"}"), 400, "bad_request");
        ChatServerTest.assertError(http.post("/api/feedback",
                "{\"question\":\"q\",\"mode\":\"rag\",\"answer\":\"a\\udc00b\",\"rating\":\"up\"}"), 400, "bad_request");
        ChatServerTest.assertError(http.post("/api/chat", "{\"message\":\"hi \\ud83d there\",\"mode\":\"rag\"}"), 400, "bad_request");
        assertEquals(before, size("preferences.jsonl") + size("feedback.jsonl"));
        // a real pair of surrogates (an emoji) is fine
        HttpResponse<String> emoji = http.post("/api/feedback",
                "{\"question\":\"q \\ud83d\\ude42\",\"mode\":\"rag\",\"answer\":\"a\",\"rating\":\"up\"}");
        assertEquals(201, emoji.statusCode(), emoji.body());
    }

    @Test
    void feedbackFilesHaveACap() throws Exception {
        Path dataDir = Files.createTempDirectory(dir, "capped");
        Path preferences = dataDir.resolve("preferences.jsonl");
        // a sparse file at the cap: no disk used, but its size counts
        try (RandomAccessFile f = new RandomAccessFile(preferences.toFile(), "rw")) {
            f.setLength(FeedbackHandler.DEFAULT_MAX_FILE_BYTES - 10);
        }
        ChatService chat = DemoDocs.scriptedChat(index);
        Javalin capped = ChatServer.create(ChatServer.Parts.of(chat, index).dataDir(dataDir).build()).start(0);
        try {
            HttpResponse<String> full = new Http(capped.port()).post("/api/feedback",
                    "{\"question\":\"q\",\"answers\":{\"rag\":\"a\",\"hybrid\":\"good\"},\"best\":\"hybrid\"}");
            ChatServerTest.assertError(full, 507, "insufficient_storage");
            assertEquals(FeedbackHandler.DEFAULT_MAX_FILE_BYTES - 10, Files.size(preferences));
            assertFalse(Files.exists(dataDir.resolve("feedback.jsonl")), "nothing half-written");
        } finally {
            capped.stop();
        }
    }

    @Test
    void anUploadOfControlCharactersLeavesTheFolderAndTheIndexAsTheyWere() throws Exception {
        List<String> filesBefore = docsFiles();
        int documentsBefore = index.documentCount();
        byte[] controls = "\u0001\u0002\u0003\u0007\u001b\u007f\u0085\u0000".replace("\u0000", "").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> refused = http.upload("/api/admin/documents", "file", "controls.txt", controls, AUTH);
        ChatServerTest.assertError(refused, 422, "unprocessable_document");
        assertEquals(filesBefore, docsFiles());
        assertEquals(documentsBefore, index.documentCount());
        assertFalse(indexHolds("controls"));

        // the reindex that every later run does still succeeds
        Ingestor ingestor = new Ingestor(index);
        assertTrue(ingestor.rebuild(List.of(dir.resolve("docs")), (done, total) -> { }).skipped().isEmpty());
        assertEquals(documentsBefore, index.documentCount());
    }

    @Test
    void anUnindexableFileInTheFolderIsSkippedAndReportedAndCanBeDeleted() throws Exception {
        Files.write(dir.resolve("docs/junk.txt"), new byte[] {1, 2, 3, 27, 127, 10, 9});
        try {
            var report = new Ingestor(index).rebuild(List.of(dir.resolve("docs")), (done, total) -> { });
            assertEquals(1, report.skipped().size(), report.skipped().toString());
            assertTrue(report.skipped().get(0).toString().contains("junk.txt"), report.skipped().toString());
            assertTrue(index.documentCount() >= 19, "the other documents are indexed: " + index.documentCount());
            // delete removes a file the index never held
            HttpResponse<String> gone = http.request("DELETE", "/api/admin/documents/junk", null, AUTH);
            assertEquals(200, gone.statusCode(), gone.body());
            JsonNode body = Http.json(gone);
            assertFalse(body.path("indexed").asBoolean());
            assertEquals(1, body.path("filesRemoved").asInt());
            assertFalse(Files.exists(dir.resolve("docs/junk.txt")));
        } finally {
            Files.deleteIfExists(dir.resolve("docs/junk.txt"));
        }
    }

    @Test
    void anUploadThatWouldTakeAnotherFilesIdIsAConflict() throws Exception {
        List<String> before = docsFiles();
        HttpResponse<String> clash = http.upload("/api/admin/documents", "file", "wren-lamp.txt",
                "The Wren lamp is now free.".getBytes(StandardCharsets.UTF_8), AUTH);
        ChatServerTest.assertError(clash, 409, "conflict");
        assertTrue(Http.json(clash).path("detail").asText().contains("wren-lamp.md"), clash.body());
        assertEquals(before, docsFiles());
    }

    private static boolean indexHolds(String docId) {
        return index.documents().stream().anyMatch(d -> d.docId().equals(docId));
    }

    private static List<String> docsFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("docs"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static long size(String file) throws Exception {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.size(p) : 0;
    }
}
