package ai.hybridchat.server.config;

import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.http.ChatServer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything {@code platform serve} needs to know, in one place.
 *
 * @param port            HTTP port (0 picks a free one)
 * @param dataDir         where the index ({@code index/}), documents ({@code docs/}), adapters
 *                        ({@code adapters/}) and the extracted demo model ({@code demo/}) live
 * @param modelDir        a Hugging Face model folder; null means the bundled demo model
 * @param adapterDir      a PEFT LoRA adapter folder; null means the bundled demo adapter with the
 *                        demo model and no adapter (rag only) with any other model
 * @param adminToken      bearer token of the admin API; null leaves the admin API closed
 * @param retrievalK      passages retrieved per question
 * @param retrievalMode   how passages are searched
 * @param maxNewTokens    longest answer, in tokens (decoding is greedy)
 * @param maxRequestBytes largest request body accepted
 * @param samples         a JSON array of sample questions for the UI; null means the demo's with
 *                        the demo model and none otherwise
 * @param remote          a remote OpenAI-compatible server that generates instead of the local
 *                        model (then modelDir and adapterDir are unused); null: in-process
 * @param search          how hybrid search fuses its two rankings (method and weights)
 * @param copyWeight      the gate of the copy pointer over the retrieved passages' sentences in
 *                        rag and hybrid answers of local models, in [0, 1); 0 turns it off
 *                        ({@link ai.hybridchat.core.model.CopyPointer})
 * @param exposure        who can reach the server: the address it listens on and the token of
 *                        {@code /metrics}
 */
public record ServerConfig(int port, Path dataDir, Path modelDir, Path adapterDir, String adminToken, int retrievalK,
                           SearchMode retrievalMode, int maxNewTokens, long maxRequestBytes, Path samples, RemoteModel remote,
                           SearchOptions search, double copyWeight, Exposure exposure) {
    /**
     * Who can reach the server. {@code host}: the address it listens on, loopback unless a
     * deployment opens it (then behind TLS, docs/SECURITY.md); {@code metricsToken}: the bearer
     * token {@code /metrics} asks for, null to leave it open (fine on loopback).
     */
    public record Exposure(String host, String metricsToken) {
        public static final String LOOPBACK = "127.0.0.1";
        public static final Exposure DEFAULT = new Exposure(LOOPBACK, null);

        public Exposure {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must be an address or a name, e.g. 127.0.0.1 or 0.0.0.0");
            }
            if (metricsToken != null && metricsToken.length() < 16) {
                throw new IllegalArgumentException("metricsToken must be at least 16 characters");
            }
        }
    }

    /** Listening on loopback, /metrics open. */
    public ServerConfig(int port, Path dataDir, Path modelDir, Path adapterDir, String adminToken, int retrievalK,
                        SearchMode retrievalMode, int maxNewTokens, long maxRequestBytes, Path samples, RemoteModel remote,
                        SearchOptions search, double copyWeight) {
        this(port, dataDir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens, maxRequestBytes, samples,
                remote, search, copyWeight, Exposure.DEFAULT);
    }

    /** With the default copy weight. */
    public ServerConfig(int port, Path dataDir, Path modelDir, Path adapterDir, String adminToken, int retrievalK,
                        SearchMode retrievalMode, int maxNewTokens, long maxRequestBytes, Path samples, RemoteModel remote,
                        SearchOptions search) {
        this(port, dataDir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens, maxRequestBytes, samples,
                remote, search, DEFAULT_COPY_WEIGHT);
    }

    /** With the default search settings and copy weight. */
    public ServerConfig(int port, Path dataDir, Path modelDir, Path adapterDir, String adminToken, int retrievalK,
                        SearchMode retrievalMode, int maxNewTokens, long maxRequestBytes, Path samples, RemoteModel remote) {
        this(port, dataDir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens, maxRequestBytes, samples,
                remote, SearchOptions.defaults());
    }

    public static final int DEFAULT_PORT = 7070;
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_MAX_NEW_TOKENS = 80;
    /** At 0.5 a sure pointer outweighs any model distribution under greedy decoding (see MODEL_CARD.md). */
    public static final double DEFAULT_COPY_WEIGHT = 0.5;
    /**
     * A model the user brings reads by itself: the pointer, made for the bundled model that never
     * learned to copy (MODEL_CARD.md), is off unless the config sets {@code copyWeight}.
     */
    public static final double USER_MODEL_COPY_WEIGHT = 0.0;

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(retrievalMode, "retrievalMode");
        Objects.requireNonNull(search, "search");
        Objects.requireNonNull(exposure, "exposure");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (retrievalK < 1 || retrievalK > 20) {
            throw new IllegalArgumentException("retrievalK must be between 1 and 20, got " + retrievalK);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
        }
        if (!(copyWeight >= 0 && copyWeight < 1)) {
            throw new IllegalArgumentException("copyWeight must be at least 0 and below 1, got " + copyWeight);
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024, got " + maxRequestBytes);
        }
    }

    /** The embedded demo: port 7070, {@code ./data}, bundled model and adapter. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_PORT, DEFAULT_DATA_DIR, null, null, null, ChatService.DEFAULT_PASSAGES,
                SearchMode.FUSED, DEFAULT_MAX_NEW_TOKENS, ChatServer.DEFAULT_MAX_REQUEST_BYTES, null, null);
    }

    /** True when the bundled demo model answers. */
    public boolean demo() {
        return modelDir == null && remote == null;
    }

    public Path indexDir() {
        return dataDir.resolve("index");
    }

    public Path docsDir() {
        return dataDir.resolve("docs");
    }

    public Path adaptersDir() {
        return dataDir.resolve("adapters");
    }

    public Path demoDir() {
        return dataDir.resolve("demo");
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(p, dataDir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens,
                maxRequestBytes, samples, remote, search, copyWeight, exposure);
    }

    public ServerConfig withRemote(RemoteModel r) {
        return new ServerConfig(port, dataDir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens,
                maxRequestBytes, samples, r, search, copyWeight, exposure);
    }

    public ServerConfig withAdminToken(String token) {
        return new ServerConfig(port, dataDir, modelDir, adapterDir, token, retrievalK, retrievalMode, maxNewTokens,
                maxRequestBytes, samples, remote, search, copyWeight, exposure);
    }

    public ServerConfig withExposure(Exposure e) {
        return new ServerConfig(port, dataDir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens,
                maxRequestBytes, samples, remote, search, copyWeight, e);
    }

    public ServerConfig withHost(String host) {
        return withExposure(new Exposure(host, exposure.metricsToken()));
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(port, dir, modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens,
                maxRequestBytes, samples, remote, search, copyWeight, exposure);
    }
}
