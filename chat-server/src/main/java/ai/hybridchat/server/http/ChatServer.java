package ai.hybridchat.server.http;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.demo.ClasspathFolder;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Javalin application: the JSON API under {@code /api} and the web UI (the {@code web}
 * module's jar, classpath folder {@code /web}) at {@code /}.
 */
public final class ChatServer {
    /** Request bodies above this are refused with 413. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
    /** Classpath folder of the web UI, packaged by the {@code web} module. */
    static final String WEB_ROOT = "web";
    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

    /** What the server needs: the answering service, the index it reports on, the sample questions. */
    public record Parts(ChatService chat, ChunkIndex index, List<String> sampleQuestions, long maxRequestBytes) {
    }

    private ChatServer() {
    }

    public static Javalin create(Parts parts) {
        ChatHandlers chat = new ChatHandlers(parts.chat());
        HealthHandler health = new HealthHandler(parts.chat(), parts.index());
        SamplesHandler samples = new SamplesHandler(parts.sampleQuestions());
        OpenAiHandlers openAi = new OpenAiHandlers(parts.chat());
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = parts.maxRequestBytes();
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
            config.routes.post("/v1/chat/completions", openAi::completions);
            ErrorResponses.register(config.routes);
        });
    }
}
