package ai.hybridchat.server.cli;

import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.adapter.PeftPromptAdapter;
import ai.hybridchat.core.gguf.GgmlType;
import ai.hybridchat.core.gguf.GgufExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform export-gguf --model DIR [--adapter DIR] --out FILE --type f32|f16|q8_0|q4_0}: the
 * model (the adapter merged into it) as one GGUF file for llama.cpp and Ollama.
 */
@Command(name = "export-gguf", mixinStandardHelpOptions = true,
        description = "Write a model (an adapter merged in) as a GGUF file for llama.cpp and Ollama.")
final class ExportGgufCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder.")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter to merge in first.")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "GGUF file to write.")
    Path out;

    @Option(names = "--type", defaultValue = "q8_0", paramLabel = "TYPE", converter = TypeConverter.class,
            description = "Tensor type: f32, f16, q8_0 or q4_0 (norms stay F32; with q4_0 the embedding is q8_0; "
                    + "default: ${DEFAULT-VALUE}).")
    GgmlType type;

    static final class TypeConverter implements picocli.CommandLine.ITypeConverter<GgmlType> {
        @Override
        public GgmlType convert(String value) {
            try {
                return GgmlType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        PathChecks.requireDir(model, "--model");
        if (adapter != null) {
            PathChecks.requireDir(adapter, "--adapter");
            if (PeftPromptAdapter.isPromptTuning(adapter)) {
                throw new IllegalArgumentException("--adapter: a prompt-tuning adapter cannot be merged into weights; GGUF holds weights only");
            }
        }
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException("--model: " + model + " has no tokenizer.json, which a GGUF file must carry");
        }
        ModelOptions options = new ModelOptions();
        options.model = model;
        options.adapter = adapter;
        options.weights = ai.hybridchat.core.quant.WeightFormat.F32;
        try (ModelOptions.Loaded loaded = options.load()) {
            if (adapter != null) {
                PeftLoraAdapter.mergeInto(loaded.model().model());
            }
            Path staging = out.resolveSibling(out.getFileName() + ".partial");
            try {
                GgufExport.write(loaded.model().model(), model, loaded.base().name(), type, staging);
                Files.move(staging, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(staging);
            }
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%s, %.1f MB)%n", out, type.name().toLowerCase(Locale.ROOT),
                Files.size(out) / 1e6);
        return 0;
    }
}
