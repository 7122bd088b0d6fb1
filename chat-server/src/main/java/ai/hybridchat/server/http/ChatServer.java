package ai.hybridchat.server.http;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.admin.AdapterHost;
import ai.hybridchat.server.admin.EmbeddingModelChoice;
import ai.hybridchat.server.admin.AdminAccess;
import ai.hybridchat.server.admin.AdminApi;
import ai.hybridchat.server.admin.AdminInputs;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.ServerJson;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.chat.SampleQuestion;
import ai.hybridchat.server.config.ServerConfig;
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
     * What the server needs: the answering service and the index it reports on; the rest is
     * optional: sample questions, the request size cap, the data folder (documents in
     * {@code docs/}, feedback files; without one there is no admin API but the jobs list, and no
     * feedback store), the admin token (without one the admin API answers 403), the adapter host
     * for tuning jobs, the token of {@code /metrics} (without one it is open) and the embedding
     * model the index embeds with (the bundled one unless told).
     */
    public record Parts(ChatService chat, ChunkIndex index, List<SampleQuestion> sampleQuestions, long maxRequestBytes,
                        Path dataDir, String adminToken, AdapterHost adapters, String metricsToken,
                        EmbeddingModelChoice embeddingModel) {
        public static Builder of(ChatService chat, ChunkIndex index) {
            return new Builder(chat, index);
        }

        @Override
        public String toString() {
            return "Parts[dataDir=" + dataDir + ", maxRequestBytes=" + maxRequestBytes + ", adminToken="
                    + (adminToken == null ? "none" : "***") + ", metricsToken=" + (metricsToken == null ? "none" : "***") + "]";
        }

        /** Every optional part at its default: none, and {@link ServerConfig.Server#DEFAULT_MAX_REQUEST_BYTES}. */
        public static final class Builder {
            private final ChatService chat;
            private final ChunkIndex index;
            private List<SampleQuestion> samples = List.of();
            private long maxRequestBytes = ServerConfig.Server.DEFAULT_MAX_REQUEST_BYTES;
            private Path dataDir;
            private String adminToken;
            private AdapterHost adapters;
            private String metricsToken;
            private EmbeddingModelChoice embeddingModel = EmbeddingModelChoice.DEFAULT;

            private Builder(ChatService chat, ChunkIndex index) {
                this.chat = chat;
                this.index = index;
            }

            public Builder samples(List<SampleQuestion> questions) { samples = List.copyOf(questions); return this; }
            public Builder maxRequestBytes(long bytes) { maxRequestBytes = bytes; return this; }
            public Builder dataDir(Path dir) { dataDir = dir; return this; }
            public Builder adminToken(String token) { adminToken = token; return this; }
            public Builder adapters(AdapterHost host) { adapters = host; return this; }
            public Builder metricsToken(String token) { metricsToken = token; return this; }
            public Builder embeddingModel(EmbeddingModelChoice choice) { embeddingModel = choice; return this; }

            public Parts build() {
                return new Parts(chat, index, samples, maxRequestBytes, dataDir, adminToken, adapters, metricsToken, embeddingModel);
            }
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
        AdminApi admin = new AdminApi(parts.chat(), parts.index(), parts.dataDir(), parts.adminToken(), parts.adapters(),
                parts.embeddingModel());
        FeedbackHandler feedback = parts.dataDir() == null ? null : new FeedbackHandler(parts.dataDir());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            // a running job ends (cancelled) before the server's parts it reads are closed
            config.events.serverStopping(admin::close);
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
            admin.register(config.routes);
            ErrorResponses.register(config.routes);
        });
    }
}
