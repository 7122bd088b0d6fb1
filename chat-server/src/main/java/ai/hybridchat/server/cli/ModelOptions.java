package ai.hybridchat.server.cli;

import ai.hybridchat.core.gguf.GgufImport;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.quant.WeightFormat;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR [--adapter DIR] [--weights f32|int8|q4]}, shared by the commands that run a model. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder, or a GGUF file.")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply.")
    Path adapter;

    @Option(names = "--weights", defaultValue = "f32", paramLabel = "FORMAT", converter = Converters.Weights.class,
            description = "How the weights are held: f32, or quantized at load to int8 or q4 (blocks of 32, as llama.cpp's "
                    + "Q8_0 and Q4_0; default: ${DEFAULT-VALUE}).")
    WeightFormat weights;

    /** Checks the folders exist, so a typo fails before the slow load. */
    void check() {
        if (!GgufImport.isGguf(model)) {
            PathChecks.requireDir(model, "--model");
        }
        if (adapter != null) {
            PathChecks.requireDir(adapter, "--adapter");
        }
    }

    Loaded load() throws IOException {
        check();
        LocalLanguageModel base = LocalLanguageModel.load(model, weights);
        if (adapter == null) {
            return new Loaded(base, base);
        }
        try {
            return new Loaded(base, base.withAdapter(adapter));
        } catch (IOException | RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /** The base model and the one to use (the base itself, or the base with the adapter). */
    record Loaded(LocalLanguageModel base, LocalLanguageModel model) implements AutoCloseable {
        @Override
        public void close() {
            if (model != base) {
                model.close();
            }
            base.close();
        }
    }
}
