package ai.hybridchat.tuning.testing;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A tiny random Llama (2 layers, hidden 64, 350-token BPE) and question/answer data for tuning tests. */
public final class TinyBase {
    /** Four question/answer pairs of a domain the models never saw. */
    public static final List<String[]> PAIRS = List.of(
            new String[] {"Who keeps the list of packages?", "The package manager keeps it."},
            new String[] {"Where are files stored?", "Files are stored in directories."},
            new String[] {"What does a backup do?", "A backup copies important files."},
            new String[] {"Who can create new users?", "The administrator can create users."});

    private TinyBase() {
    }

    public static Path write(Path base) throws Exception {
        return write(base, 25f);
    }

    public static Path write(Path base, float embeddingScale) throws Exception {
        TestCorpus.writeTokenizer(base, 350);
        LlamaConfig c = new LlamaConfig();
        c.hiddenSize = 64;
        c.intermediateSize = 128;
        c.numHiddenLayers = 2;
        c.numAttentionHeads = 4;
        c.numKeyValueHeads = 2;
        c.vocabSize = 350;
        c.maxPositionEmbeddings = 256;
        c.tieWordEmbeddings = true;
        c.eosTokenId = Json.MAPPER.valueToTree(4);
        // a random head at init scale cannot express confident predictions however the frozen
        // body is adapted; a pretrained model's embeddings are far larger, so mimic that
        TinyModels.writeRandom(base, c, 3, embeddingScale);
        return base;
    }

    public static Path qaData(Path file, List<String[]> pairs) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String[] p : pairs) {
            sb.append(Json.MAPPER.writeValueAsString(Map.of("prompt", p[0], "completion", p[1]))).append('\n');
        }
        Files.writeString(file, sb.toString());
        return file;
    }
}
