package ai.hybridchat.server.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform merge --base DIR --adapter DIR --out DIR}: folds a LoRA adapter into the base
 * weights ({@code W + alpha/r * B A}) and writes a standalone Hugging Face model folder: the
 * merged {@code model.safetensors} and {@code config.json}, and the base's tokenizer and
 * generation files as they are.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA adapter into its base model, writing a new model folder.")
final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "Base model folder.")
    Path base;

    @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "PEFT LoRA adapter folder.")
    Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Merged model folder to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        PathChecks.requireDir(base, "--base");
        PathChecks.requireDir(adapter, "--adapter");
        if (out.toAbsolutePath().normalize().equals(base.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must differ from --base");
        }
        try (NDManager root = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(base, root)) {
            int wrapped = PeftLoraAdapter.apply(adapter, model, model.manager());
            PeftLoraAdapter.mergeInto(model);
            // the merged projections replaced the base ones; exportWeights() reads them from the layers
            Map<String, NDArray> weights = new LinkedHashMap<>(model.exportWeights());
            if (model.config().tieWordEmbeddings) {
                weights.remove("lm_head.weight");
            }
            boolean bf16 = "bfloat16".equalsIgnoreCase(model.config().torchDtype);
            Path staging = AtomicFiles.stagingFor(out);
            try {
                model.config().write(staging);
                Safetensors.write(staging.resolve("model.safetensors"), weights,
                        Map.of("merged_adapter", adapter.toAbsolutePath().normalize().getFileName().toString()), bf16);
                copyTokenizerFiles(base, staging);
                AtomicFiles.publishDirectory(staging, out);
            } catch (IOException | RuntimeException e) {
                AtomicFiles.deleteRecursively(staging);
                throw e;
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d LoRA projections merged into %s%n",
                    out, wrapped, base);
            return 0;
        }
    }

    /** Everything of the base folder except its weights and config (tokenizer, chat template, generation config). */
    private static void copyTokenizerFiles(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(from)) {
            files = list.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.equals("config.json") || name.endsWith(".safetensors") || name.equals("model.safetensors.index.json")
                    || name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
                continue;
            }
            Files.copy(file, to.resolve(name));
        }
    }
}
