package ai.hybridchat.server.admin;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which embedding model the index embeds with, and who chose it. The config's
 * {@code retrieval.embeddingModel} wins when it is set (the admin may then tune models but not
 * switch); otherwise the model the admin last switched to, remembered in the data folder
 * ({@code embedding-model.json}, a folder under {@code embedding-models/}) so a restart keeps it;
 * otherwise the bundled all-MiniLM-L6-v2 ({@code folder} null).
 */
public record EmbeddingModelChoice(Path folder, boolean fixedByConfig) {
    static final String STATE_FILE = "embedding-model.json";
    static final String MODELS_DIR = "embedding-models";
    /** The name the admin API gives the bundled model (the one used when no folder is chosen). */
    public static final String BUNDLED = "all-minilm-l6-v2";

    public static final EmbeddingModelChoice DEFAULT = new EmbeddingModelChoice(null, false);

    /** The choice at start: {@code configured} (may be null), else the admin's remembered one in {@code dataDir} (may be null). */
    public static EmbeddingModelChoice resolve(Path configured, Path dataDir) {
        if (configured != null) {
            return new EmbeddingModelChoice(configured, true);
        }
        if (dataDir == null) {
            return DEFAULT;
        }
        Path state = dataDir.resolve(STATE_FILE);
        if (!Files.isRegularFile(state)) {
            return DEFAULT;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(state.toFile());
            String name = node.path("model").asText("");
            if (name.isEmpty() || name.equals(BUNDLED)) {
                return DEFAULT;
            }
            Path folder = dataDir.resolve(MODELS_DIR).resolve(AdminInputs.plainName(name, "embedding model"));
            if (!Files.isDirectory(folder)) {
                throw new IllegalStateException(state + " names the embedding model '" + name + "', which is not in " + folder.getParent()
                        + ": put it back, or delete " + state + " to use the bundled model");
            }
            return new EmbeddingModelChoice(folder, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + state + ": " + e.getMessage(), e);
        }
    }

    /** Remembers {@code name} (a folder of {@code embedding-models/}, or {@link #BUNDLED}) as the admin's choice. */
    static void remember(Path dataDir, String name) throws IOException {
        AtomicFiles.writeString(dataDir.resolve(STATE_FILE), Json.MAPPER.writeValueAsString(Map.of("model", name)));
    }

    /** The admin's name of the chosen model: a folder's name, or {@link #BUNDLED}. */
    public String name() {
        return folder == null ? BUNDLED : folder.getFileName().toString();
    }
}
