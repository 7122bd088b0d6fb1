package ai.hybridchat.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.IndexedDocument;
import ai.hybridchat.server.http.ErrorResponses;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload and a delete that arrive while a full reindex runs, in the window between the reindex
 * reading the folder and swapping what it read in (held open here): they wait for the reindex
 * and then apply, so the uploaded document is not lost from the index and the deleted one does
 * not come back.
 */
class ReindexRaceTest {
    @TempDir
    Path dir;

    @Test
    void changesDuringAReindexAreNeitherLostNorUndone() throws Exception {
        ChunkIndex index = DemoDocs.lexicalIndex(dir);
        Path docs = dir.resolve("docs");
        assertTrue(index.documents().stream().anyMatch(d -> d.docId().equals("wren-lamp")));
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JobRunner jobs = new JobRunner();
        AdminHandlers admin = new AdminHandlers(index, docs, jobs, () -> {
            loaded.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Javalin app = Javalin.create(config -> {
            config.routes.post("/docs", admin::upload);
            config.routes.delete("/docs/{docId}", admin::delete);
            config.routes.post("/reindex", admin::reindex);
            ErrorResponses.register(config.routes);
        }).start(0);
        try {
            Http http = new Http(app.port());
            String jobId = Http.json(http.post("/reindex", "")).path("id").asText();
            assertTrue(loaded.await(60, TimeUnit.SECONDS), "the reindex read the folder");

            CompletableFuture<HttpResponse<String>> upload = CompletableFuture.supplyAsync(() -> http.upload("/docs", "file",
                    "kiln-safety.md", "# Kiln Safety\n\nThe kiln is opened only below 60 degrees.\n".getBytes(StandardCharsets.UTF_8)));
            CompletableFuture<HttpResponse<String>> delete = CompletableFuture.supplyAsync(
                    () -> http.request("DELETE", "/docs/wren-lamp", java.net.http.HttpRequest.BodyPublishers.noBody()));
            Thread.sleep(500);
            assertFalse(upload.isDone(), "the upload waits for the reindex");
            assertFalse(delete.isDone(), "the delete waits for the reindex");
            release.countDown();

            assertEquals(201, upload.get(60, TimeUnit.SECONDS).statusCode(), upload.get().body());
            assertEquals(200, delete.get(60, TimeUnit.SECONDS).statusCode(), delete.get().body());
            Job job = jobs.get(jobId).orElseThrow();
            for (int i = 0; i < 600 && !job.finished(); i++) {
                Thread.sleep(100);
            }
            assertEquals(Job.State.SUCCEEDED, job.state());

            java.util.Set<String> indexed = new java.util.TreeSet<>();
            for (IndexedDocument d : index.documents()) {
                indexed.add(d.docId());
            }
            assertTrue(indexed.contains("kiln-safety"), "the upload is in the index: " + indexed);
            assertFalse(indexed.contains("wren-lamp"), "the delete is not undone: " + indexed);
            assertTrue(Files.exists(docs.resolve("kiln-safety.md")));
            assertFalse(Files.exists(docs.resolve("wren-lamp.md")));
            // the folder and the index agree
            java.util.Set<String> files = new java.util.TreeSet<>();
            try (var list = Files.list(docs)) {
                list.filter(f -> !f.getFileName().toString().startsWith("."))
                        .forEach(f -> files.add(ai.hybridchat.retrieval.FileFormat.documentId(f)));
            }
            assertEquals(files, indexed);
        } finally {
            release.countDown();
            app.stop();
            jobs.close();
            index.close();
        }
    }
}
