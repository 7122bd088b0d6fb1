package ai.hybridchat.server.http;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.admin.AdapterHost;
import ai.hybridchat.server.admin.AdminAccess;
import ai.hybridchat.server.admin.AdminHandlers;
import ai.hybridchat.server.admin.AdminInputs;
import ai.hybridchat.server.admin.EvalAdmin;
import ai.hybridchat.server.admin.JobRunner;
import ai.hybridchat.server.admin.TuningAdmin;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.ServerJson;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.chat.SampleQuestion;
import ai.hybridchat.core.io.ClasspathFolder;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Javalin application: the JSON API under {@code /api} and the web UI (the {@code web}
 * module's jar, classpath folder {@code /web}) at {@code /}.
 */
public final class ChatServer {
    /** Classpath folder of the web UI, packaged by the {@code web} module. */
    static final String WEB_ROOT = "web";
    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

    /**
     * What the server needs: the answering service, the index it reports on, the sample
     * questions; {@code dataDir} (documents in {@code docs/}, feedback files) and the admin token
     * are optional: without a data folder there is no admin API or feedback store, without a token
     * the admin API answers 403.
     */
    public record Parts(ChatService chat, ChunkIndex index, List<SampleQuestion> sampleQuestions, long maxRequestBytes,
                        Path dataDir, String adminToken, AdapterHost adapters,
                        String metricsToken) {
        public Parts(ChatService chat, ChunkIndex index, List<SampleQuestion> sampleQuestions, long maxRequestBytes,
                     Path dataDir, String adminToken, AdapterHost adapters) {
            this(chat, index, sampleQuestions, maxRequestBytes, dataDir, adminToken, adapters, null);
        }

        public Parts(ChatService chat, ChunkIndex index, List<SampleQuestion> sampleQuestions, long maxRequestBytes) {
            this(chat, index, sampleQuestions, maxRequestBytes, null, null, null);
        }

        public Parts(ChatService chat, ChunkIndex index, List<SampleQuestion> sampleQuestions, long maxRequestBytes,
                     Path dataDir, String adminToken) {
            this(chat, index, sampleQuestions, maxRequestBytes, dataDir, adminToken, null);
        }
    }

    private ChatServer() {
    }

    public static Javalin create(Parts parts) {
        ChatHandlers chat = new ChatHandlers(parts.chat());
        HealthHandler health = new HealthHandler(parts.chat(), parts.index());
        SamplesHandler samples = new SamplesHandler(parts.sampleQuestions());
        OpenAiHandlers openAi = new OpenAiHandlers(parts.chat());
        Metrics metrics = new Metrics(parts.index());
        AdminAccess access = new AdminAccess(parts.adminToken());
        JobRunner jobRunner = new JobRunner();
        JobHandlers jobs = new JobHandlers(jobRunner);
        AdminHandlers admin = parts.dataDir() == null ? null
                : new AdminHandlers(parts.index(), parts.dataDir().resolve("docs"), jobRunner);
        FeedbackHandler feedback = parts.dataDir() == null ? null : new FeedbackHandler(parts.dataDir());
        TuningAdmin tuning = parts.dataDir() == null ? null
                : new TuningAdmin(parts.dataDir(), jobRunner, parts.adapters());
        EvalAdmin evals = parts.dataDir() == null ? null
                : new EvalAdmin(parts.dataDir(), jobRunner, parts.chat(), parts.index());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // a running job ends (cancelled) before the server's parts it reads are closed
            config.events.serverStopping(jobRunner::close);
            config.http.maxRequestSize = parts.maxRequestBytes();
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.multipartConfig.maxFileSize(AdminInputs.MAX_UPLOAD_BYTES,
                    SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(AdminInputs.MAX_UPLOAD_BYTES + 64 * 1024,
                    SizeUnit.BYTES);
            config.requestLogger.http(metrics::record);
            config.jsonMapper(new JavalinJackson(ServerJson.MAPPER, false));
            if (new ClasspathFolder(WEB_ROOT).exists()) {
                config.staticFiles.add(files -> {
                    files.hostedPath = "/";
                    files.directory = "/" + WEB_ROOT;
                    files.location = Location.CLASSPATH;
                });
            } else {
                LOG.warn("no web UI on the classpath (folder /{} of the web module's jar): serving the API only", WEB_ROOT);
            }
            config.routes.get("/api/health", health::health);
            config.routes.get("/api/samples", samples::samples);
            config.routes.post("/api/chat", chat::chat);
            config.routes.post("/api/chat/stream", chat::chatStream);
            config.routes.post("/api/compare", chat::compare);
            config.routes.get("/v1/models", openAi::models);
            config.routes.get("/v1/models/{id}", openAi::model);
            config.routes.post("/v1/chat/completions", openAi::completions);
            if (parts.metricsToken() != null) {
                config.routes.before("/metrics", new AdminAccess(parts.metricsToken(), "metrics")::check);
            }
            config.routes.get("/metrics", metrics::metrics);
            config.routes.before(SecurityHeaders::add);
            // feedback is written by anyone who reaches the page: 20 at once, then one a second per client
            ClientRateLimit feedbackLimit = new ClientRateLimit(20, 1);
            config.routes.post("/api/feedback", ctx -> {
                feedbackLimit.check(ctx);
                if (feedback == null) {
                    throw new ApiException(503, "unavailable", "this server has no data folder to store feedback in");
                }
                feedback.feedback(ctx);
            });
            config.routes.before("/api/admin/*", access::check);
            if (admin != null) {
                admin.cleanupLeftovers();
                config.routes.get("/api/admin/documents", admin::documents);
                config.routes.post("/api/admin/documents", admin::upload);
                config.routes.delete("/api/admin/documents/{docId}", admin::delete);
                config.routes.post("/api/admin/reindex", admin::reindex);
                config.routes.post("/api/admin/tuning-data", tuning::uploadData);
                config.routes.post("/api/admin/tune", tuning::tune);
                config.routes.get("/api/admin/adapters", tuning::adapters);
                config.routes.post("/api/admin/adapters/{name}/activate", tuning::activate);
                config.routes.post("/api/admin/eval", evals::start);
                config.routes.get("/api/admin/evals", evals::list);
                config.routes.get("/api/admin/evals/{id}", evals::get);
            }
            config.routes.get("/api/admin/jobs", jobs::list);
            config.routes.get("/api/admin/jobs/{id}", jobs::get);
            config.routes.get("/api/admin/jobs/{id}/events", jobs::events);
            config.routes.post("/api/admin/jobs/{id}/cancel", jobs::cancel);
            ErrorResponses.register(config.routes);
        });
    }
}
