package ai.hybridchat.server.testing;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.testing.TinyModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real but tiny model folder, made once per test JVM by {@code platform pretrain} on the demo
 * documents (one layer, hidden size 32, two steps: it babbles), and a PEFT LoRA adapter for it
 * with random non-zero weights ({@link TinyModels#writeRandomLora}), so every model path can be
 * tested end to end in seconds.
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
                        AtomicFiles.deleteRecursively(dir);
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
                TinyModels.writeRandomLora(dir.resolve("model"), dir.resolve("adapter"), 7);
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
}
