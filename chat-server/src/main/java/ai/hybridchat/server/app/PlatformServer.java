package ai.hybridchat.server.app;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.admin.AdapterHost;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.http.ChatServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** {@code platform serve}: the {@link Platform} with the HTTP API and web UI in front. */
public final class PlatformServer implements AutoCloseable {
    private final Platform platform;
    private final Javalin app;

    private PlatformServer(Platform platform, Javalin app) {
        this.platform = platform;
        this.app = app;
    }

    /**
     * Opens the platform and starts the server on {@code config.server().host()} (loopback by
     * default) and {@code config.port()} (0: a free port).
     * {@code log} receives a line per slow step.
     */
    public static PlatformServer start(ServerConfig config, Consumer<String> log) {
        Platform platform = Platform.open(config, log);
        try {
            String token = config.adminToken() != null ? config.adminToken() : System.getenv("PLATFORM_ADMIN_TOKEN");
            AdapterHost adapters = new AdapterHost() {
                @Override
                public Path baseModelDir() {
                    return platform.baseModelDir();
                }

                @Override
                public String activate(Path adapterDir) throws IOException {
                    return platform.activateAdapter(adapterDir);
                }

                @Override
                public String activeAdapter() {
                    return platform.chat().adapterName();
                }
            };
            Javalin app = ChatServer.create(ChatServer.Parts.of(platform.chat(), platform.index())
                    .samples(platform.sampleQuestions()).maxRequestBytes(config.maxRequestBytes())
                    .dataDir(config.dataDir()).adminToken(token).adapters(adapters)
                    .metricsToken(config.server().metricsToken()).embeddingModel(Platform.embeddingModel(config)).build());
            app.start(config.server().host(), config.port());
            return new PlatformServer(platform, app);
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    public int port() {
        return app.port();
    }

    public ChatService chat() {
        return platform.chat();
    }

    public ChunkIndex index() {
        return platform.index();
    }

    @Override
    public void close() {
        app.stop();
        platform.close();
    }
}
