package ai.hybridchat.server.admin;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.chat.ChatService;
import io.javalin.config.RoutesConfig;
import java.nio.file.Path;

/**
 * The admin room of the HTTP API, under {@code /api/admin}, every route behind the admin token:
 * documents and reindex, tuning data, tuning jobs and adapters, the retriever's embedding model, evaluations, and the one job queue
 * they share. Without a data folder only the jobs routes exist (there is nothing to manage).
 */
public final class AdminApi implements AutoCloseable {
    private final AdminAccess access;
    private final JobRunner jobRunner = new JobRunner();
    private final JobHandlers jobs = new JobHandlers(jobRunner);
    private final AdminHandlers documents;
    private final TuningAdmin tuning;
    private final EvalAdmin evals;
    private final RetrieverAdmin retriever;
    private final ClassifierAdmin classifiers;

    /**
     * {@code dataDir} null: no documents, tuning or evaluations; {@code adminToken} null: every
     * route answers 403; {@code embeddingModel}: the model the index embeds with (null: the bundled one).
     */
    public AdminApi(ChatService chat, ChunkIndex index, Path dataDir, String adminToken, AdapterHost adapters,
                    EmbeddingModelChoice embeddingModel) {
        access = new AdminAccess(adminToken);
        documents = dataDir == null ? null : new AdminHandlers(index, dataDir.resolve("docs"), jobRunner);
        tuning = dataDir == null ? null : new TuningAdmin(dataDir, jobRunner, adapters);
        evals = dataDir == null ? null : new EvalAdmin(dataDir, jobRunner, chat, index);
        retriever = dataDir == null ? null : new RetrieverAdmin(dataDir, jobRunner, index, documents, embeddingModel);
        classifiers = dataDir == null ? null : new ClassifierAdmin(dataDir, jobRunner);
    }

    /** The admin rows of the route table. */
    public void register(RoutesConfig routes) {
        routes.before("/api/admin/*", access::check);
        if (documents != null) {
            documents.cleanupLeftovers();
            routes.get("/api/admin/documents", documents::documents);
            routes.post("/api/admin/documents", documents::upload);
            routes.delete("/api/admin/documents/{docId}", documents::delete);
            routes.post("/api/admin/reindex", documents::reindex);
            routes.post("/api/admin/tuning-data", tuning::uploadData);
            routes.post("/api/admin/tune", tuning::tune);
            routes.get("/api/admin/adapters", tuning::adapters);
            routes.post("/api/admin/adapters/{name}/activate", tuning::activate);
            routes.post("/api/admin/embedding-tuning", retriever::tune);
            routes.get("/api/admin/embedding-models", retriever::models);
            routes.post("/api/admin/embedding-models/{name}/activate", retriever::activate);
            routes.post("/api/admin/reranker-tuning", retriever::tuneReranker);
            routes.get("/api/admin/rerankers", retriever::rerankers);
            routes.post("/api/admin/classifier-tuning", classifiers::tune);
            routes.get("/api/admin/classifiers", classifiers::list);
            routes.post("/api/admin/eval", evals::start);
            routes.get("/api/admin/evals", evals::list);
            routes.get("/api/admin/evals/{id}", evals::get);
        }
        routes.get("/api/admin/jobs", jobs::list);
        routes.get("/api/admin/jobs/{id}", jobs::get);
        routes.get("/api/admin/jobs/{id}/events", jobs::events);
        routes.post("/api/admin/jobs/{id}/cancel", jobs::cancel);
    }

    /** Cancels queued jobs and waits for the running one, so no job outlives the parts it reads. */
    @Override
    public void close() {
        jobRunner.close();
    }
}
