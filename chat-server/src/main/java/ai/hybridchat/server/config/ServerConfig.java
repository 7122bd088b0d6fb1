package ai.hybridchat.server.config;

import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.retrieval.RerankingSearch;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SolrChunkIndex;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything {@code platform serve} needs to know, in one place, in the sections of the config
 * file ({@link ConfigLoader}): {@code server}, {@code retrieval}, {@code generation}, {@code admin},
 * {@code remote}. Each section's defaults live in the section; {@link #builder()} starts from them.
 *
 * @param remote a remote OpenAI-compatible server that generates instead of the local model (then
 *               {@code generation.modelDir} and {@code adapterDir} are unused); null: in-process
 */
public record ServerConfig(Server server, Retrieval retrieval, Generation generation, Admin admin, RemoteModel remote) {
    /**
     * Where and how the server listens and keeps its data.
     *
     * @param port            HTTP port (0 picks a free one)
     * @param host            the address it listens on: loopback unless a deployment opens it (then
     *                        behind TLS, docs/SECURITY.md)
     * @param dataDir         where the index ({@code index/}), documents ({@code docs/}), adapters
     *                        ({@code adapters/}) and the extracted demo model ({@code demo/}) live
     * @param maxRequestBytes largest request body accepted
     * @param samples         a JSON array of sample questions for the UI; null means the demo's with
     *                        the demo model and none otherwise
     * @param metricsToken    the bearer token {@code /metrics} asks for, null to leave it open (fine on loopback)
     */
    public record Server(int port, String host, Path dataDir, long maxRequestBytes, Path samples, String metricsToken) {
        public static final int DEFAULT_PORT = 7070;
        public static final String LOOPBACK = "127.0.0.1";
        public static final Path DEFAULT_DATA_DIR = Path.of("data");
        /** Request bodies above this are refused with 413. */
        public static final long DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
        public static final Server DEFAULT = new Server(DEFAULT_PORT, LOOPBACK, DEFAULT_DATA_DIR, DEFAULT_MAX_REQUEST_BYTES, null, null);

        public Server {
            Objects.requireNonNull(dataDir, "dataDir");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must be an address or a name, e.g. 127.0.0.1 or 0.0.0.0");
            }
            if (metricsToken != null && metricsToken.length() < 16) {
                throw new IllegalArgumentException("metricsToken must be at least 16 characters");
            }
            if (maxRequestBytes < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 1024, got " + maxRequestBytes);
            }
        }

        @Override
        public String toString() {
            return "Server[port=" + port + ", host=" + host + ", dataDir=" + dataDir + ", maxRequestBytes=" + maxRequestBytes
                    + ", samples=" + samples + ", metricsToken=" + (metricsToken == null ? "none" : "***") + "]";
        }
    }

    /**
     * How passages are found.
     *
     * @param k      passages retrieved per question
     * @param mode   how they are searched
     * @param search how fused search combines its two rankings (method and weights), candidates, snippets
     * @param embeddingModel a sentence-transformers folder (e.g. from {@code tune --method embedding})
     *                       for the passages' and questions' vectors; null means the bundled
     *                       all-MiniLM-L6-v2. The index records it, and one built with another
     *                       model is rebuilt on start.
     * @param reranker       a cross-encoder folder ({@code tune --method reranker}) that reorders
     *                       the top {@code rerankDepth} candidates of every search; null: none (the
     *                       default until one is measured better on the user's questions)
     * @param solr           a SolrCloud collection to index and search instead of the local
     *                       Lucene folder ({@code retrieval.engine: solr}); null: the local index
     */
    public record Retrieval(int k, SearchMode mode, SearchOptions search, Path embeddingModel, Path reranker, int rerankDepth,
                            SolrChunkIndex.Settings solr) {
        /** Passages per question when the config names none. */
        public static final int DEFAULT_K = 3;
        public static final Retrieval DEFAULT = new Retrieval(DEFAULT_K, SearchMode.FUSED, SearchOptions.defaults(), null, null,
                RerankingSearch.DEFAULT_DEPTH, null);

        public Retrieval {
            Objects.requireNonNull(mode, "retrieval mode");
            Objects.requireNonNull(search, "search options");
            if (k < 1 || k > 20) {
                throw new IllegalArgumentException("retrieval.k (retrievalK) must be between 1 and 20, got " + k);
            }
            if (rerankDepth < 1 || rerankDepth > 200) {
                throw new IllegalArgumentException("retrieval.rerankDepth must be between 1 and 200, got " + rerankDepth);
            }
        }
    }

    /**
     * How local models answer.
     *
     * @param modelDir     a Hugging Face model folder; null means the bundled demo model
     * @param adapterDir   a PEFT adapter folder; null means the bundled demo adapter with the demo
     *                     model and no adapter (rag only) with any other model
     * @param maxNewTokens longest answer, in tokens (decoding is greedy)
     * @param copyWeight   the gate of the copy pointer over the retrieved passages' sentences in rag
     *                     and hybrid answers, in [0, 1); 0 turns it off ({@code core.model.CopyPointer})
     * @param weights      how the model's weights are held: F32 as loaded, or quantized at load to
     *                     8 or 4 bits ({@code generation.weights: f32 | int8 | q4}, default f32)
     */
    public record Generation(Path modelDir, Path adapterDir, int maxNewTokens, double copyWeight, WeightFormat weights) {
        public static final int DEFAULT_MAX_NEW_TOKENS = 80;
        /** At 0.5 a sure pointer outweighs any model distribution under greedy decoding (see MODEL_CARD.md). */
        public static final double DEFAULT_COPY_WEIGHT = 0.5;
        /**
         * A model the user brings reads by itself: the pointer, made for the bundled model that never
         * learned to copy (MODEL_CARD.md), is off unless the config sets {@code copyWeight}.
         */
        public static final double USER_MODEL_COPY_WEIGHT = 0.0;
        public static final Generation DEFAULT = new Generation(null, null, DEFAULT_MAX_NEW_TOKENS, DEFAULT_COPY_WEIGHT,
                WeightFormat.F32);

        public Generation {
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + maxNewTokens);
            }
            if (!(copyWeight >= 0 && copyWeight < 1)) {
                throw new IllegalArgumentException("copyWeight must be at least 0 and below 1, got " + copyWeight);
            }
            if (weights == null) {
                throw new IllegalArgumentException("weights must be f32, int8 or q4");
            }
        }
    }

    /** The admin API's bearer token; null leaves the admin API closed. Never printed. */
    public record Admin(String token) {
        public static final Admin CLOSED = new Admin(null);

        @Override
        public String toString() {
            return "Admin[token=" + (token == null ? "none" : "***") + "]";
        }
    }

    public ServerConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(retrieval, "retrieval");
        Objects.requireNonNull(generation, "generation");
        admin = admin == null ? Admin.CLOSED : admin;
    }

    /** The embedded demo: port 7070, {@code ./data}, bundled model and adapter. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().server(server).retrieval(retrieval).generation(generation).admin(admin).remote(remote);
    }

    /** True when the bundled demo model answers. */
    public boolean demo() {
        return generation.modelDir() == null && remote == null;
    }

    // the settings code asks for most, each from its section

    public int port() {
        return server.port();
    }

    public Path dataDir() {
        return server.dataDir();
    }

    public long maxRequestBytes() {
        return server.maxRequestBytes();
    }

    public Path samples() {
        return server.samples();
    }

    public Path modelDir() {
        return generation.modelDir();
    }

    public Path adapterDir() {
        return generation.adapterDir();
    }

    public int maxNewTokens() {
        return generation.maxNewTokens();
    }

    public double copyWeight() {
        return generation.copyWeight();
    }

    public WeightFormat weights() {
        return generation.weights();
    }

    public int retrievalK() {
        return retrieval.k();
    }

    public SearchMode retrievalMode() {
        return retrieval.mode();
    }

    public SearchOptions search() {
        return retrieval.search();
    }

    public String adminToken() {
        return admin.token();
    }

    public Path indexDir() {
        return dataDir().resolve("index");
    }

    public Path docsDir() {
        return dataDir().resolve("docs");
    }

    public Path adaptersDir() {
        return dataDir().resolve("adapters");
    }

    public Path demoDir() {
        return dataDir().resolve("demo");
    }

    public ServerConfig withPort(int p) {
        return toBuilder().port(p).build();
    }

    public ServerConfig withRemote(RemoteModel r) {
        return toBuilder().remote(r).build();
    }

    public ServerConfig withAdminToken(String token) {
        return toBuilder().adminToken(token).build();
    }

    public ServerConfig withHost(String host) {
        return toBuilder().host(host).build();
    }

    public ServerConfig withWeights(WeightFormat weights) {
        return toBuilder().weights(weights).build();
    }

    public ServerConfig withDataDir(Path dir) {
        return toBuilder().dataDir(dir).build();
    }

    /** Starts from every section's defaults; each setter changes one setting of one section. */
    public static final class Builder {
        private Server server = Server.DEFAULT;
        private Retrieval retrieval = Retrieval.DEFAULT;
        private Generation generation = Generation.DEFAULT;
        private Admin admin = Admin.CLOSED;
        private RemoteModel remote;

        private Builder() {
        }

        public Builder server(Server s) {
            server = s;
            return this;
        }

        public Builder retrieval(Retrieval r) {
            retrieval = r;
            return this;
        }

        public Builder generation(Generation g) {
            generation = g;
            return this;
        }

        public Builder admin(Admin a) {
            admin = a;
            return this;
        }

        public Builder remote(RemoteModel r) {
            remote = r;
            return this;
        }

        public Builder port(int port) {
            server = new Server(port, server.host(), server.dataDir(), server.maxRequestBytes(), server.samples(), server.metricsToken());
            return this;
        }

        public Builder host(String host) {
            server = new Server(server.port(), host, server.dataDir(), server.maxRequestBytes(), server.samples(), server.metricsToken());
            return this;
        }

        public Builder dataDir(Path dir) {
            server = new Server(server.port(), server.host(), dir, server.maxRequestBytes(), server.samples(), server.metricsToken());
            return this;
        }

        public Builder maxRequestBytes(long bytes) {
            server = new Server(server.port(), server.host(), server.dataDir(), bytes, server.samples(), server.metricsToken());
            return this;
        }

        public Builder samples(Path file) {
            server = new Server(server.port(), server.host(), server.dataDir(), server.maxRequestBytes(), file, server.metricsToken());
            return this;
        }

        public Builder metricsToken(String token) {
            server = new Server(server.port(), server.host(), server.dataDir(), server.maxRequestBytes(), server.samples(), token);
            return this;
        }

        public Builder retrievalK(int k) {
            retrieval = new Retrieval(k, retrieval.mode(), retrieval.search(), retrieval.embeddingModel(), retrieval.reranker(),
                    retrieval.rerankDepth(), retrieval.solr());
            return this;
        }

        public Builder retrievalMode(SearchMode mode) {
            retrieval = new Retrieval(retrieval.k(), mode, retrieval.search(), retrieval.embeddingModel(), retrieval.reranker(),
                    retrieval.rerankDepth(), retrieval.solr());
            return this;
        }

        public Builder search(SearchOptions options) {
            retrieval = new Retrieval(retrieval.k(), retrieval.mode(), options, retrieval.embeddingModel(), retrieval.reranker(),
                    retrieval.rerankDepth(), retrieval.solr());
            return this;
        }

        /** A cross-encoder folder over the top {@code depth} candidates; null: none. */
        public Builder reranker(Path folder, int depth) {
            retrieval = new Retrieval(retrieval.k(), retrieval.mode(), retrieval.search(), retrieval.embeddingModel(), folder, depth,
                    retrieval.solr());
            return this;
        }

        /** A SolrCloud collection instead of the local index; null: the local index. */
        public Builder solr(SolrChunkIndex.Settings settings) {
            retrieval = new Retrieval(retrieval.k(), retrieval.mode(), retrieval.search(), retrieval.embeddingModel(), retrieval.reranker(),
                    retrieval.rerankDepth(), settings);
            return this;
        }

        /** A sentence-transformers folder for the retriever's vectors; null: the bundled all-MiniLM-L6-v2. */
        public Builder embeddingModel(Path folder) {
            retrieval = new Retrieval(retrieval.k(), retrieval.mode(), retrieval.search(), folder, retrieval.reranker(),
                    retrieval.rerankDepth(), retrieval.solr());
            return this;
        }

        public Builder modelDir(Path dir) {
            generation = new Generation(dir, generation.adapterDir(), generation.maxNewTokens(), generation.copyWeight(),
                    generation.weights());
            return this;
        }

        public Builder adapterDir(Path dir) {
            generation = new Generation(generation.modelDir(), dir, generation.maxNewTokens(), generation.copyWeight(),
                    generation.weights());
            return this;
        }

        public Builder maxNewTokens(int n) {
            generation = new Generation(generation.modelDir(), generation.adapterDir(), n, generation.copyWeight(),
                    generation.weights());
            return this;
        }

        public Builder copyWeight(double weight) {
            generation = new Generation(generation.modelDir(), generation.adapterDir(), generation.maxNewTokens(), weight,
                    generation.weights());
            return this;
        }

        public Builder weights(WeightFormat weights) {
            generation = new Generation(generation.modelDir(), generation.adapterDir(), generation.maxNewTokens(),
                    generation.copyWeight(), weights);
            return this;
        }

        public Builder adminToken(String token) {
            admin = new Admin(token);
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(server, retrieval, generation, admin, remote);
        }
    }
}
