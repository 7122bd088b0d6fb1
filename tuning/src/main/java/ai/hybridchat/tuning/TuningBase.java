package ai.hybridchat.tuning;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The base a tuning run starts from, loaded: its tensors' manager, its tokenizer, its model.
 * Closing it closes the three in reverse order (the model's tensors before their manager).
 */
public record TuningBase(NDManager manager, TextTokenizer tokenizer, LlamaModel model) implements AutoCloseable {
    public static TuningBase load(Path dir) throws IOException {
        NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = null;
        try {
            tokenizer = TextTokenizer.load(dir);
            return new TuningBase(manager, tokenizer, LlamaModel.load(dir, manager));
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            manager.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try (NDManager m = manager; TextTokenizer t = tokenizer) {
            model.close();
        }
    }
}
