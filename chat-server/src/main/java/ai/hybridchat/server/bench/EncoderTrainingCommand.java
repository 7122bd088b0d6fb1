package ai.hybridchat.server.bench;

import ai.hybridchat.core.encoder.BertConfig;
import ai.hybridchat.core.encoder.BundledEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code platform bench encoder-training}: the classifier's full fine-tuning step, tokens/s and MFU, against PyTorch eager. */
@Command(name = "encoder-training", mixinStandardHelpOptions = true,
        description = "Full fine-tuning step of all-MiniLM-L6-v2's shape (classifier head, AdamW): tokens/s and MFU, "
                + "against the same step in PyTorch eager.")
final class EncoderTrainingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--shapes", split = ",", defaultValue = "16x64,16x128",
            description = "BATCHxLENGTH per run (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "6", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with PyTorch for the peer, or 'none' (default: ${DEFAULT-VALUE}).")
    String python;

    @Override
    public Integer call() throws Exception {
        if (warmup < 1 || steps < 1) {
            throw new IllegalArgumentException("--warmup and --steps must be >= 1");
        }
        List<int[]> runs = new ArrayList<>();
        for (String s : shapes) {
            String[] parts = s.split("x");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--shapes: BATCHxLENGTH, got '" + s + "'");
            }
            runs.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
        }
        PrintWriter out = spec.commandLine().getOut();
        double peak = MachineLimits.matmulPeak();
        BertConfig c = BundledEncoder.ALL_MINILM_L6_V2.config();
        List<JsonNode> peer = List.of();
        PythonPeer py = new PythonPeer(python);
        if (!python.equals("none") && py.available()) {
            List<String> args = new ArrayList<>(List.of("" + Runtime.getRuntime().availableProcessors(), "" + warmup, "" + steps,
                    "" + c.vocabSize, "" + c.hiddenSize, "" + c.numHiddenLayers, "" + c.numAttentionHeads, "" + c.intermediateSize));
            args.addAll(shapes);
            peer = py.run("encoder_training_peer.py", args);
        } else {
            out.println("(no PyTorch peer: " + python + " cannot import torch)");
        }
        out.printf(Locale.ROOT, "machine: %d cores; F32 matmul peak %.1f GFLOP/s (DJL, 2048^3)%s; all-MiniLM-L6-v2 shape "
                        + "(%d layers, hidden %d), every weight trained, AdamW, %d timed steps%n%n",
                Runtime.getRuntime().availableProcessors(), peak / 1e9,
                peer.isEmpty() ? "" : String.format(Locale.ROOT, ", %.1f GFLOP/s (PyTorch's own)", peer.get(0).path("matmul_flops").asDouble() / 1e9),
                c.numHiddenLayers, c.hiddenSize, steps);
        out.println("| batch x length | params | GFLOP/token | tokens/s | MFU | PyTorch tokens/s | PyTorch MFU | vs PyTorch |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (int[] r : runs) {
            EncoderTrainingBenchmark.Result ours = EncoderTrainingBenchmark.run(r[0], r[1], warmup, steps);
            JsonNode p = peer.stream().filter(n -> n.path("batch").asInt() == r[0] && n.path("length").asInt() == r[1])
                    .findFirst().orElse(null);
            double theirs = p == null ? Double.NaN : p.path("tokens_per_s").asDouble();
            out.printf(Locale.ROOT, "| %dx%d | %.1fM | %.3f | %.0f | %.2f | %s | %s | %s |%n", r[0], r[1], ours.parameters() / 1e6,
                    ours.flopsPerToken() / 1e9, ours.tokensPerSecond(), ours.tokensPerSecond() * ours.flopsPerToken() / peak,
                    p == null ? "-" : String.format(Locale.ROOT, "%.0f", theirs),
                    p == null ? "-" : String.format(Locale.ROOT, "%.2f", theirs * ours.flopsPerToken() / peak),
                    p == null ? "-" : String.format(Locale.ROOT, "%.2fx", ours.tokensPerSecond() / theirs));
            out.flush();
        }
        return 0;
    }
}
