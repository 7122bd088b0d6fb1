package ai.hybridchat.server.config;

import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SolrChunkIndex;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link ServerConfig} from YAML ({@code .yaml}, {@code .yml}) or JSON (anything else),
 * in the sections of {@link ServerConfig}. Keys that are absent keep their defaults; unknown keys
 * are refused, so a typo does not pass silently. Relative paths are resolved against the config
 * file's folder.
 *
 * <pre>
 * server:
 *   port: 7070
 *   host: 127.0.0.1                 # the address to listen on; 0.0.0.0 opens it (behind TLS, docs/SECURITY.md)
 *   dataDir: ./data
 *   maxRequestBytes: 65536
 *   samples: ./sample-questions.json  # a JSON array of strings
 *   metricsToken: ...               # bearer token for /metrics (default: none, /metrics open)
 * retrieval:
 *   k: 3
 *   mode: hybrid                    # bm25 | dense | hybrid
 *   fusion:                         # how hybrid search combines BM25 and dense rankings
 *     method: convex                # convex (normalised scores, the default) | rrf
 *     bm25Weight: 1.0
 *     denseWeight: 1.0
 *     rrfK: 60
 * generation:
 *   modelDir: /models/my-llama      # default: the bundled demo model
 *   adapterDir: /adapters/my-lora   # default: the demo adapter with the demo model, else none
 *   maxNewTokens: 80
 *   copyWeight: 0.5                 # copy pointer over the passages in rag/hybrid (0: off; the default:
 *                                   # 0.5 with the bundled demo model, 0 with a model of your own)
 *   weights: f32                    # f32 | int8 | q4: quantized at load, in blocks of 32 (llama.cpp's Q8_0, Q4_0)
 * admin:
 *   token: change-me
 * remote:                           # generate on an OpenAI-compatible server instead
 *   baseUrl: http://gpu-box:8000/v1
 *   apiKey: ...                     # default: $OPENAI_API_KEY
 *   model: my-llama                 # answers rag
 *   tunedModel: my-llama-lora       # answers tuned and hybrid (optional)
 * </pre>
 *
 * The flat keys of the first releases ({@code port}, {@code modelDir}, {@code adminToken},
 * {@code retrievalK}, {@code fusion}, ...) are still read, each with a one-line note naming its new key.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    record ServerFile(@JsonProperty("port") Integer port, @JsonProperty("host") String host,
                      @JsonProperty("dataDir") String dataDir, @JsonProperty("maxRequestBytes") Long maxRequestBytes,
                      @JsonProperty("samples") String samples, @JsonProperty("metricsToken") String metricsToken) {
    }

    record RetrievalFile(@JsonProperty("k") Integer k, @JsonProperty("mode") String mode,
                         @JsonProperty("fusion") FusionFile fusion, @JsonProperty("embeddingModel") String embeddingModel,
                         @JsonProperty("reranker") String reranker, @JsonProperty("rerankDepth") Integer rerankDepth,
                         @JsonProperty("engine") String engine, @JsonProperty("solr") SolrFile solr) {
    }

    /** {@code retrieval.solr}: where the SolrCloud collection lives and, when the platform creates it, its layout. */
    record SolrFile(@JsonProperty("urls") List<String> urls, @JsonProperty("zkHosts") String zkHosts,
                    @JsonProperty("collection") String collection,
                    @JsonProperty("shards") Integer shards, @JsonProperty("replicationFactor") Integer replicationFactor) {
    }

    record GenerationFile(@JsonProperty("modelDir") String modelDir, @JsonProperty("adapterDir") String adapterDir,
                          @JsonProperty("maxNewTokens") Integer maxNewTokens, @JsonProperty("copyWeight") Double copyWeight,
                          @JsonProperty("weights") String weights) {
    }

    record AdminFile(@JsonProperty("token") String token) {
    }

    record FusionFile(@JsonProperty("method") String method, @JsonProperty("bm25Weight") Double bm25Weight,
                      @JsonProperty("denseWeight") Double denseWeight, @JsonProperty("rrfK") Integer rrfK) {
    }

    record RemoteFile(@JsonProperty("baseUrl") String baseUrl, @JsonProperty("apiKey") String apiKey,
                      @JsonProperty("model") String model, @JsonProperty("tunedModel") String tunedModel) {
    }

    /** The collection of {@code retrieval.engine: solr}, null for the local index (the default, {@code engine: lucene}). */
    static SolrChunkIndex.Settings solr(RetrievalFile r) {
        String engine = r.engine() == null ? "lucene" : r.engine().strip().toLowerCase(Locale.ROOT);
        if (!engine.equals("lucene") && !engine.equals("solr")) {
            throw new IllegalArgumentException("retrieval.engine must be lucene (the local index, the default) or solr, got '"
                    + r.engine() + "'");
        }
        if (engine.equals("lucene")) {
            if (r.solr() != null) {
                throw new IllegalArgumentException("retrieval.solr is set but retrieval.engine is not solr: add 'engine: solr'");
            }
            return null;
        }
        SolrFile f = r.solr();
        if (f == null || (f.urls() == null || f.urls().isEmpty()) && f.zkHosts() == null) {
            throw new IllegalArgumentException("retrieval.engine: solr needs retrieval.solr.urls, e.g. [http://solr1:8983/solr], "
                    + "or retrieval.solr.zkHosts, e.g. zk1:2181,zk2:2181/solr");
        }
        return new SolrChunkIndex.Settings(f.urls(), f.zkHosts(), f.collection() != null ? f.collection() : SOLR_COLLECTION,
                f.shards() != null ? f.shards() : 1, f.replicationFactor() != null ? f.replicationFactor() : 1);
    }

    /** The collection (alias) name when the config names none. */
    static final String SOLR_COLLECTION = "hybridchat";

    /** The file's shape: every key optional; the sections, then the flat keys they replace. */
    record ConfigFile(@JsonProperty("server") ServerFile server,
                      @JsonProperty("retrieval") RetrievalFile retrieval,
                      @JsonProperty("generation") GenerationFile generation,
                      @JsonProperty("admin") AdminFile admin,
                      @JsonProperty("remote") RemoteFile remote,
                      // the flat keys of the first releases
                      @JsonProperty("port") Integer port,
                      @JsonProperty("host") String host,
                      @JsonProperty("dataDir") String dataDir,
                      @JsonProperty("maxRequestBytes") Long maxRequestBytes,
                      @JsonProperty("samples") String samples,
                      @JsonProperty("metricsToken") String metricsToken,
                      @JsonProperty("retrievalK") Integer retrievalK,
                      @JsonProperty("retrievalMode") String retrievalMode,
                      @JsonProperty("fusion") FusionFile fusion,
                      @JsonProperty("modelDir") String modelDir,
                      @JsonProperty("adapterDir") String adapterDir,
                      @JsonProperty("maxNewTokens") Integer maxNewTokens,
                      @JsonProperty("copyWeight") Double copyWeight,
                      @JsonProperty("adminToken") String adminToken) {
    }

    /** Each flat key and the key of a section that replaces it. */
    static final Map<String, String> FLAT_KEYS = flatKeys();

    private static Map<String, String> flatKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : List.of("port", "host", "dataDir", "maxRequestBytes", "samples", "metricsToken")) {
            m.put(k, "server." + k);
        }
        m.put("retrievalK", "retrieval.k");
        m.put("retrievalMode", "retrieval.mode");
        m.put("fusion", "retrieval.fusion");
        for (String k : List.of("modelDir", "adapterDir", "maxNewTokens", "copyWeight")) {
            m.put(k, "generation." + k);
        }
        m.put("adminToken", "admin.token");
        return Map.copyOf(m);
    }

    /** A config and the notes its reading left (flat keys read under their new names). */
    public record Loaded(ServerConfig config, List<String> notes) {
    }

    /** @throws IllegalArgumentException naming the file and the problem */
    public static ServerConfig load(Path file) {
        Loaded loaded = read(file);
        loaded.notes().forEach(LOG::info);
        return loaded.config();
    }

    /** As {@link #load}, returning the notes instead of logging them. */
    public static Loaded read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file not found: " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml")
                ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        ConfigFile raw;
        try {
            if (Files.readString(file).isBlank()) {
                return new Loaded(ServerConfig.defaults(), List.of());
            }
            raw = mapper.readValue(file.toFile(), ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + where(e) + e.getPropertyName() + "' (known: "
                    + knownKeys() + ")");
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(file + ": '" + where(e) + last(e) + "' must be " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        if (raw == null) {
            return new Loaded(ServerConfig.defaults(), List.of());
        }
        try {
            return build(raw, file.toAbsolutePath().getParent(), file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    /** The section an unknown key was found in, as a prefix ("retrieval.fusion."), or "" at the top. */
    private static String where(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.size() - 1; i++) {
            out.append(path.get(i).getFieldName()).append('.');
        }
        return out.toString();
    }

    private static String last(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        return path.isEmpty() ? "" : String.valueOf(path.get(path.size() - 1).getFieldName());
    }

    /** What a key of this type holds, in the file's words rather than Java's. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another kind";
        }
        if (type.isRecord()) {
            return "a section of keys (" + keys(type) + ")";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        return "text";
    }

    /** The keys of every section, read off the file records, so the message never lags behind them. */
    static String knownKeys() {
        List<String> out = new ArrayList<>();
        for (RecordComponent section : ConfigFile.class.getRecordComponents()) {
            if (FLAT_KEYS.containsKey(section.getName())) {
                continue;
            }
            out.add(section.getName() + ": " + keys(section.getType()));
        }
        out.add("retrieval.fusion: " + keys(FusionFile.class));
        return String.join("; ", out);
    }

    private static String keys(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.joining(", "));
    }

    private static Loaded build(ConfigFile raw, Path base, Path file) {
        List<String> notes = new ArrayList<>();
        ServerFile s = raw.server() != null ? raw.server() : new ServerFile(null, null, null, null, null, null);
        RetrievalFile r = raw.retrieval() != null ? raw.retrieval() : new RetrievalFile(null, null, null, null, null, null, null, null);
        GenerationFile g = raw.generation() != null ? raw.generation() : new GenerationFile(null, null, null, null, null);
        AdminFile a = raw.admin() != null ? raw.admin() : new AdminFile(null);
        Flat flat = new Flat(file, notes);
        Integer port = flat.pick("port", raw.port(), s.port());
        String host = flat.pick("host", raw.host(), s.host());
        String dataDir = flat.pick("dataDir", raw.dataDir(), s.dataDir());
        Long maxRequestBytes = flat.pick("maxRequestBytes", raw.maxRequestBytes(), s.maxRequestBytes());
        String samples = flat.pick("samples", raw.samples(), s.samples());
        String metricsToken = flat.pick("metricsToken", raw.metricsToken(), s.metricsToken());
        Integer k = flat.pick("retrievalK", raw.retrievalK(), r.k());
        String mode = flat.pick("retrievalMode", raw.retrievalMode(), r.mode());
        FusionFile fusion = flat.pick("fusion", raw.fusion(), r.fusion());
        String modelDir = flat.pick("modelDir", raw.modelDir(), g.modelDir());
        String adapterDir = flat.pick("adapterDir", raw.adapterDir(), g.adapterDir());
        Integer maxNewTokens = flat.pick("maxNewTokens", raw.maxNewTokens(), g.maxNewTokens());
        Double copyWeight = flat.pick("copyWeight", raw.copyWeight(), g.copyWeight());
        String adminToken = flat.pick("adminToken", raw.adminToken(), a.token());

        ServerConfig.Server ds = ServerConfig.Server.DEFAULT;
        ServerConfig.Retrieval dr = ServerConfig.Retrieval.DEFAULT;
        ServerConfig.Generation dg = ServerConfig.Generation.DEFAULT;
        ServerConfig config = ServerConfig.builder()
                .server(new ServerConfig.Server(port != null ? port : ds.port(), host != null ? host : ds.host(),
                        dataDir != null ? base.resolve(dataDir) : ds.dataDir(),
                        maxRequestBytes != null ? maxRequestBytes : ds.maxRequestBytes(), path(base, samples), metricsToken))
                .retrieval(new ServerConfig.Retrieval(k != null ? k : dr.k(), mode != null ? SearchMode.parse(mode) : dr.mode(),
                        search(fusion), path(base, r.embeddingModel()), path(base, r.reranker()),
                        r.rerankDepth() != null ? r.rerankDepth() : dr.rerankDepth(), solr(r)))
                .generation(new ServerConfig.Generation(path(base, modelDir), path(base, adapterDir),
                        maxNewTokens != null ? maxNewTokens : dg.maxNewTokens(),
                        copyWeight != null ? copyWeight
                                : modelDir == null ? dg.copyWeight() : ServerConfig.Generation.USER_MODEL_COPY_WEIGHT,
                        g.weights() == null ? dg.weights() : WeightFormat.parse(g.weights())))
                .admin(new ServerConfig.Admin(adminToken))
                .remote(raw.remote() == null ? null : new RemoteModel(raw.remote().baseUrl(), raw.remote().apiKey(),
                        raw.remote().model(), raw.remote().tunedModel()))
                .build();
        return new Loaded(config, List.copyOf(notes));
    }

    /** Takes a setting from its flat key or its section, never both, and notes a flat key's new name. */
    private record Flat(Path file, List<String> notes) {
        <T> T pick(String flatKey, T flat, T sectioned) {
            String key = FLAT_KEYS.get(flatKey);
            if (flat != null && sectioned != null) {
                throw new IllegalArgumentException("'" + flatKey + "' and '" + key + "' are the same setting: keep '" + key + "'");
            }
            if (flat != null) {
                notes.add(file.getFileName() + ": '" + flatKey + "' is read as '" + key + "' (its name now; the flat key still works)");
                return flat;
            }
            return sectioned;
        }
    }

    private static SearchOptions search(FusionFile f) {
        SearchOptions o = SearchOptions.defaults();
        if (f == null) {
            return o;
        }
        if (f.method() != null) {
            try {
                o = o.withFusion(SearchOptions.Fusion.valueOf(f.method().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fusion.method must be convex or rrf, got '" + f.method() + "'");
            }
        }
        o = o.withWeights(f.bm25Weight() != null ? f.bm25Weight() : o.bm25Weight(),
                f.denseWeight() != null ? f.denseWeight() : o.denseWeight());
        return f.rrfK() != null ? o.withRrfK(f.rrfK()) : o;
    }

    private static Path path(Path base, String value) {
        return value == null || value.isBlank() ? null : base.resolve(value);
    }
}
