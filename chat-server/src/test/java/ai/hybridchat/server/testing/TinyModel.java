package ai.hybridchat.server.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Projection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A real but tiny model folder, made once per test JVM by {@code platform pretrain} on the demo
 * documents (one layer, hidden size 32, two steps: it babbles), and a PEFT LoRA adapter for it
 * with random non-zero weights, so every model path can be tested end to end in seconds.
 */
public final class TinyModel {
    private static Path root;

    private TinyModel() {
    }

    public static synchronized Path root() {
        if (root == null) {
            try {
                Path dir = Files.createTempDirectory("tiny-model-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        ai.hybridchat.core.io.AtomicFiles.deleteRecursively(dir);
                    } catch (IOException ignored) {
                        // a temporary folder
                    }
                }));
                Path docs = DemoDocs.copyTo(dir.resolve("docs"));
                Cli.Result r = Cli.run("pretrain", "--corpus", docs.toString(), "--out", dir.resolve("model").toString(),
                        "--layers", "1", "--hidden", "32", "--heads", "2", "--kv-heads", "1", "--vocab", "320",
                        "--steps", "2", "--batch", "2", "--seq-len", "32", "--reading-fraction", "0");
                if (r.code() != 0) {
                    throw new IllegalStateException("pretrain failed: " + r);
                }
                writeAdapter(dir.resolve("model"), dir.resolve("adapter"));
                root = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    public static Path model() {
        return root().resolve("model");
    }

    public static Path adapter() {
        return root().resolve("adapter");
    }

    public static Path docs() {
        return root().resolve("docs");
    }

    /** Rank-4 LoRA on q_proj and v_proj of every layer, alpha 8, random A and B. */
    static void writeAdapter(Path modelDir, Path adapterDir) throws IOException {
        Random random = new Random(7);
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(modelDir, manager)) {
            for (DecoderLayer layer : model.layers()) {
                for (String name : List.of("self_attn.q_proj", "self_attn.v_proj")) {
                    Projection base = layer.projection(name);
                    long out = base.weight().getShape().get(0);
                    long in = base.weight().getShape().get(1);
                    NDArray a = normal(model.manager(), random, 4, in);
                    NDArray b = normal(model.manager(), random, out, 4);
                    layer.replace(name, new LoraLinear(base, a, b, 8, 0f));
                }
            }
            LoraConfig config = new LoraConfig();
            config.r = 4;
            config.loraAlpha = 8;
            config.targetModules = List.of("q_proj", "v_proj");
            config.baseModelNameOrPath = modelDir.toString();
            PeftLoraAdapter.save(model, config, adapterDir, Map.of());
        }
    }

    private static NDArray normal(NDManager manager, Random random, long rows, long cols) {
        float[] data = new float[(int) (rows * cols)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * 0.5);
        }
        return manager.create(data, new Shape(rows, cols));
    }
}
