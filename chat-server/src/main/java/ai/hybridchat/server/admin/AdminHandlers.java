package ai.hybridchat.server.admin;

import ai.hybridchat.core.Document;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.FileDocumentLoader;
import ai.hybridchat.retrieval.FileFormat;
import ai.hybridchat.retrieval.IndexUpdate;
import ai.hybridchat.retrieval.IndexedDocument;
import ai.hybridchat.retrieval.IngestReport;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.server.api.ApiException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Document administration: list what is indexed, upload a file (saved into the documents folder
 * and indexed at once), delete a document (from the index and the folder), and a full reindex of
 * the folder as a background job.
 */
public final class AdminHandlers {

    /** How long an upload or a delete waits for a running reindex before it is told to come back. */
    static final long WAIT_FOR_REINDEX_SECONDS = 60;

    private final ChunkIndex index;
    private final Path docsDir;
    private final JobRunner jobs;
    /**
     * Serialises every change of the documents (upload, delete) with full reindexes: a reindex
     * reads the folder and then swaps what it read in, so a change between the two would be lost
     * (an upload dropped from the index, a delete undone). Also makes an upload's check for
     * another file of the same id and its move into place one step.
     */
    private final ReentrantLock changes = new ReentrantLock(true);
    private final Runnable reindexAfterLoad;

    public AdminHandlers(ChunkIndex index, Path docsDir, JobRunner jobs) {
        this(index, docsDir, jobs, () -> { });
    }

    /** {@code reindexAfterLoad}: run by a reindex between reading the folder and the swap (a test's window). */
    AdminHandlers(ChunkIndex index, Path docsDir, JobRunner jobs, Runnable reindexAfterLoad) {
        this.index = index;
        this.docsDir = docsDir;
        this.jobs = jobs;
        this.reindexAfterLoad = reindexAfterLoad;
    }

    /** Runs a change of the documents once no reindex or other change is running; 503 after a minute's wait. */
    private void changing(IoAction action) throws IOException {
        boolean locked;
        try {
            locked = changes.tryLock(WAIT_FOR_REINDEX_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "unavailable", "interrupted while waiting for a reindex to finish");
        }
        if (!locked) {
            throw new ApiException(503, "unavailable", "a reindex is running: try again when it is done");
        }
        try {
            action.run();
        } finally {
            changes.unlock();
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    public void documents(Context ctx) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (IndexedDocument d : index.documents()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("docId", d.docId());
            row.put("title", d.title());
            row.put("source", d.source());
            row.put("chunks", d.chunks());
            docs.add(row);
        }
        ctx.json(Map.of("documents", docs, "documentCount", docs.size(), "chunkCount", index.chunkCount()));
    }

    /**
     * Saves and indexes one uploaded file. Everything that can refuse it runs before the file joins
     * the documents folder: it is staged in a hidden folder, read by the loader (the same rule as a
     * reindex, {@link ai.hybridchat.retrieval.DocumentText}), checked against the id of another
     * file, and indexed; only then is it moved into place. A refused upload leaves the folder and
     * the index as they were.
     */
    public void upload(Context ctx) throws IOException {
        changing(() -> uploadNow(ctx));
    }

    private void uploadNow(Context ctx) throws IOException {
        UploadedFile file = AdminInputs.uploaded(ctx, "file");
        if (file == null) {
            throw ApiException.badRequest("send the document as multipart/form-data in a field named 'file'");
        }
        // the size limit is Jetty's (multipart config), turned into a 413 by uploaded()
        String name = safeName(file.filename());
        Files.createDirectories(docsDir);
        Path target = docsDir.resolve(name);
        Path staging = Files.createTempDirectory(docsDir, ".upload-");
        try (InputStream in = file.content()) {
            Path staged = staging.resolve(name);
            Files.copy(in, staged);
            Document document;
            try {
                document = new FileDocumentLoader().loadFile(staged);
            } catch (IllegalArgumentException e) {
                throw new ApiException(422, "unprocessable_document",
                        e.getMessage().replace(staged.toString(), name).replace(staging.toString(), ""));
            }
            Path sameId = otherFileWithId(document.id(), name);
            if (sameId != null) {
                throw new ApiException(409, "conflict", "'" + name + "' would be document '" + document.id()
                        + "', which is already the file '" + sameId.getFileName() + "'; delete that one first or rename");
            }
            IndexUpdate update;
            try {
                update = index.upsert(new Document(document.id(), document.title(), name, document.text(),
                        withPath(document.metadata(), target)));
            } catch (IllegalArgumentException e) {
                throw new ApiException(422, "unprocessable_document", e.getMessage());
            }
            try {
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                restore(document.id(), target, update);
                throw e;
            }
            ctx.status(201).json(Map.of("docId", update.docId(), "outcome", update.outcome().name().toLowerCase(),
                    "chunks", update.chunks(), "file", name));
        } finally {
            AtomicFiles.deleteRecursively(staging);
        }
    }

    /** After a failed move, the index goes back to what the folder holds. */
    private void restore(String docId, Path target, IndexUpdate update) {
        try {
            if (update.outcome() == IndexUpdate.Outcome.ADDED) {
                index.delete(docId);
            } else if (update.outcome() == IndexUpdate.Outcome.UPDATED && Files.isRegularFile(target)) {
                Document old = new FileDocumentLoader().loadFile(target);
                index.upsert(new Document(old.id(), old.title(), target.getFileName().toString(), old.text(),
                        withPath(old.metadata(), target)));
            }
        } catch (RuntimeException e) {
            // the next reindex rebuilds the index from the folder
        }
    }

    /** A file of the documents folder, other than {@code name}, whose document id is {@code docId}; or null. */
    private Path otherFileWithId(String docId, String name) throws IOException {
        for (Path f : filesWithId(docId)) {
            if (!f.getFileName().toString().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private List<Path> filesWithId(String docId) throws IOException {
        if (!Files.isDirectory(docsDir)) {
            return List.of();
        }
        // the folder as the loader reads it: subfolders too, hidden ones (uploads being staged) not,
        // and only files of a type it reads (a stray x.bak is not document x)
        return FileDocumentLoader.documentFiles(docsDir).stream()
                .filter(f -> FileFormat.documentId(f).equals(docId))
                .toList();
    }

    private static Map<String, String> withPath(Map<String, String> metadata, Path target) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put("path", target.toAbsolutePath().normalize().toString());
        return m;
    }

    /**
     * A file name as the user's, or a 400: no folders, no parent references, no hidden files, no
     * control characters, a type the loader reads.
     */
    static String safeName(String raw) {
        String name = AdminInputs.plainName(raw, "file name");
        if (FileFormat.of(Path.of(name)).isEmpty()) {
            throw new ApiException(415, "unsupported_media_type", "'" + name + "' is not a supported document type; supported: "
                    + FileFormat.supportedList());
        }
        return name;
    }

    /**
     * Deletes a document from the index and its file from the folder. A file the index never held
     * (one a reindex skipped) is removed too; 404 only when neither has it.
     */
    public void delete(Context ctx) throws IOException {
        changing(() -> deleteNow(ctx));
    }

    private void deleteNow(Context ctx) throws IOException {
        String docId = ctx.pathParam("docId");
        boolean indexed = index.delete(docId);
        int removed = 0;
        for (Path f : filesWithId(docId)) {
            Files.delete(f);
            removed++;
        }
        if (!indexed && removed == 0) {
            throw new ApiException(404, "not_found", "no document '" + docId + "' in the index or the documents folder");
        }
        ctx.json(Map.of("docId", docId, "deleted", true, "indexed", indexed, "filesRemoved", removed));
    }

    /** Starts a full reindex of the documents folder (built beside the live index, swapped in one commit). */
    public void reindex(Context ctx) {
        Job job = jobs.submit("reindex", j -> {
            IngestReport report;
            changes.lockInterruptibly();
            try {
                report = new Ingestor(index).rebuild(List.of(docsDir), (done, total) ->
                        j.emit("progress", Map.of("done", done, "total", total)), reindexAfterLoad);
            } finally {
                changes.unlock();
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("summary", report.summary());
            result.put("documents", index.documentCount());
            result.put("chunks", index.chunkCount());
            result.put("skipped", report.skipped().stream().map(Object::toString).toList());
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /**
     * A full reindex of the documents folder with another embedding model (a job's step): every
     * vector made anew by {@code model}, beside the live index, and swapped in; serialised with
     * uploads and deletes as {@link #reindex} is.
     */
    IngestReport reembed(EmbeddingModel model, Job j) throws InterruptedException {
        changes.lockInterruptibly();
        try {
            return new Ingestor(index).rebuild(List.of(docsDir), (done, total) ->
                    j.emit("progress", Map.of("done", done, "total", total)), model);
        } finally {
            changes.unlock();
        }
    }

    public void cleanupLeftovers() {
        try {
            if (Files.isDirectory(docsDir)) {
                try (Stream<Path> files = Files.list(docsDir)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().startsWith(".upload-")).toList()) {
                        AtomicFiles.deleteRecursively(f);
                    }
                }
            }
        } catch (IOException ignored) {
            // leftovers of a crashed upload are hidden files the loader skips anyway
        }
    }
}
