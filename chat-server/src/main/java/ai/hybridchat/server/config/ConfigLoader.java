package ai.hybridchat.server.config;

import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a {@link ServerConfig} from YAML ({@code .yaml}, {@code .yml}) or JSON (anything else).
 * Keys that are absent keep their defaults; unknown keys are refused, so a typo does not pass
 * silently. Relative paths are resolved against the config file's folder.
 *
 * <pre>
 * port: 7070
 * host: 127.0.0.1                   # the address to listen on; 0.0.0.0 opens it (behind TLS, docs/SECURITY.md)
 * metricsToken: ...                 # bearer token for /metrics (default: none, /metrics open)
 * dataDir: ./data
 * modelDir: /models/my-llama        # default: the bundled demo model
 * adapterDir: /adapters/my-lora     # default: the demo adapter with the demo model, else none
 * adminToken: change-me
 * retrievalK: 3
 * retrievalMode: hybrid             # bm25 | dense | hybrid
 * maxNewTokens: 80
 * copyWeight: 0.5                   # copy pointer over the passages in rag/hybrid (0: off; the default:
 *                                   # 0.5 with the bundled demo model, 0 with a model of your own)
 * maxRequestBytes: 65536
 * samples: ./sample-questions.json  # a JSON array of strings
 * fusion:                           # how hybrid search combines BM25 and dense rankings
 *   method: convex                  # convex (normalised scores, the default) | rrf
 *   bm25Weight: 1.0
 *   denseWeight: 1.0
 *   rrfK: 60
 * remote:                           # generate on an OpenAI-compatible server instead
 *   baseUrl: http://gpu-box:8000/v1
 *   apiKey: ...                     # default: $OPENAI_API_KEY
 *   model: my-llama                 # answers rag
 *   tunedModel: my-llama-lora       # answers tuned and hybrid (optional)
 * </pre>
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The file's shape: every key optional. */
    record ConfigFile(@JsonProperty("port") Integer port,
                      @JsonProperty("dataDir") String dataDir,
                      @JsonProperty("modelDir") String modelDir,
                      @JsonProperty("adapterDir") String adapterDir,
                      @JsonProperty("adminToken") String adminToken,
                      @JsonProperty("retrievalK") Integer retrievalK,
                      @JsonProperty("retrievalMode") String retrievalMode,
                      @JsonProperty("maxNewTokens") Integer maxNewTokens,
                      @JsonProperty("maxRequestBytes") Long maxRequestBytes,
                      @JsonProperty("samples") String samples,
                      @JsonProperty("remote") RemoteFile remote,
                      @JsonProperty("fusion") FusionFile fusion,
                      @JsonProperty("copyWeight") Double copyWeight,
                      @JsonProperty("host") String host,
                      @JsonProperty("metricsToken") String metricsToken) {
    }

    record FusionFile(@JsonProperty("method") String method, @JsonProperty("bm25Weight") Double bm25Weight,
                      @JsonProperty("denseWeight") Double denseWeight, @JsonProperty("rrfK") Integer rrfK) {
    }

    record RemoteFile(@JsonProperty("baseUrl") String baseUrl, @JsonProperty("apiKey") String apiKey,
                      @JsonProperty("model") String model, @JsonProperty("tunedModel") String tunedModel) {
    }

    /** @throws IllegalArgumentException naming the file and the problem */
    public static ServerConfig load(Path file) {
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
                return ServerConfig.defaults();
            }
            raw = mapper.readValue(file.toFile(), ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "' (known: port, host, dataDir, "
                    + "modelDir, adapterDir, adminToken, retrievalK, retrievalMode, maxNewTokens, maxRequestBytes, samples, remote, fusion, copyWeight, metricsToken; remote: baseUrl, apiKey, model, tunedModel; fusion: method, bm25Weight, denseWeight, rrfK)");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        if (raw == null) {
            return ServerConfig.defaults();
        }
        Path base = file.toAbsolutePath().getParent();
        ServerConfig d = ServerConfig.defaults();
        try {
            return new ServerConfig(
                    raw.port() != null ? raw.port() : d.port(),
                    raw.dataDir() != null ? base.resolve(raw.dataDir()) : d.dataDir(),
                    path(base, raw.modelDir()),
                    path(base, raw.adapterDir()),
                    raw.adminToken(),
                    raw.retrievalK() != null ? raw.retrievalK() : d.retrievalK(),
                    raw.retrievalMode() != null ? SearchMode.parse(raw.retrievalMode()) : d.retrievalMode(),
                    raw.maxNewTokens() != null ? raw.maxNewTokens() : d.maxNewTokens(),
                    raw.maxRequestBytes() != null ? raw.maxRequestBytes() : d.maxRequestBytes(),
                    path(base, raw.samples()),
                    raw.remote() == null ? null : new RemoteModel(raw.remote().baseUrl(), raw.remote().apiKey(),
                            raw.remote().model(), raw.remote().tunedModel()),
                    search(raw.fusion()),
                    raw.copyWeight() != null ? raw.copyWeight()
                            : raw.modelDir() == null ? d.copyWeight() : ServerConfig.USER_MODEL_COPY_WEIGHT,
                    new ServerConfig.Exposure(raw.host() != null ? raw.host() : d.exposure().host(), raw.metricsToken()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
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
