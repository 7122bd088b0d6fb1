package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.gguf.GgmlType;
import ai.hybridchat.core.gguf.GgufExport;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.server.bench.GenerationBenchmark.ModelShape;
import ai.hybridchat.server.demo.DemoBundle;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp as a peer of {@code bench generation}: the same random model of each shape exported to
 * GGUF (F32, Q8_0 or Q4_0, the counterparts of {@code --weights f32|int8|q4}) and run by
 * node-llama-cpp's prebuilt llama.cpp ({@code .ci/llama-cpp} installs it) at its best thread count
 * up to the cores, same prompt length, same number of new tokens, medians of three after an untimed run.
 */
final class LlamaCppPeer {
    private final Path nodeModules;

    LlamaCppPeer(Path nodeModules) {
        this.nodeModules = nodeModules;
    }

    boolean available() {
        return Files.isRegularFile(nodeModules.resolve("node-llama-cpp/package.json"));
    }

    /** Decode and prefill tokens/s of llama.cpp on {@code shape} in {@code format}, or null when it fails (the reason on stderr). */
    JsonNode run(ModelShape shape, WeightFormat format, int promptTokens, int newTokens) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("llama-cpp-peer-");
        try {
            Path tokenizer = DemoBundle.extractModel(dir.resolve("tokenizer"));
            Path file = dir.resolve(shape.name() + ".gguf");
            try (NDManager manager = NDManager.newBaseManager();
                 LlamaModel model = LlamaModel.randomInit(shape.config(promptTokens + newTokens + 8), 1, manager)) {
                // the demo tokenizer names the first 4,096 ids; the peer is fed ids, so the rest only need names
                GgufExport.write(model, tokenizer, shape.name(), switch (format) {
                    case F32 -> GgmlType.F32;
                    case INT8 -> GgmlType.Q8_0;
                    case Q4 -> GgmlType.Q4_0;
                }, file);
            }
            Path runner = dir.resolve("runner");
            Files.createDirectories(runner);
            Files.createSymbolicLink(runner.resolve("node_modules"), nodeModules.toAbsolutePath());
            try (InputStream in = LlamaCppPeer.class.getResourceAsStream("llama_cpp_peer.mjs")) {
                Files.copy(in, runner.resolve("peer.mjs"));
            }
            ProcessBuilder pb = new ProcessBuilder("node", runner.resolve("peer.mjs").toString(), file.toString(),
                    "" + Runtime.getRuntime().availableProcessors(), "" + promptTokens, "" + newTokens, "" + shape.vocab());
            Path out = dir.resolve("out");
            pb.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            String[] lines = Files.readString(out, StandardCharsets.UTF_8).strip().split("\n");
            return Json.MAPPER.readTree(lines[lines.length - 1]);
        } finally {
            AtomicFiles.deleteRecursively(dir);
        }
    }
}
