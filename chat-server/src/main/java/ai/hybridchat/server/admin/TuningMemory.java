package ai.hybridchat.server.admin;

import ai.hybridchat.core.model.LlamaConfig;
import java.lang.management.ManagementFactory;

/**
 * A rough upper estimate of the native memory a tuning job takes, so the admin API can refuse a
 * job that would take the server down instead of starting it. Counted in F32: the base weights;
 * for full tuning their gradients and AdamW's two moments; for adapters the trained parameters
 * four times over; and the activations autograd keeps for one micro batch (per layer about
 * 16 hidden-size and 3 intermediate-size vectors per position and the attention scores, within
 * 1.5x of Korthikanti et al.'s count, "Reducing Activation Recomputation in Large Transformer
 * Models", 2022; plus one block of logits). Not measured against this runtime: it only has to
 * tell a job that fits from one that cannot.
 */
final class TuningMemory {
    private TuningMemory() {
    }

    static long estimateBytes(LlamaConfig c, String method, int rank, int batch, int maxLength) {
        long hidden = c.hiddenSize;
        long layers = c.numHiddenLayers;
        long params = parameters(c);
        long bytes = params * 4;
        if (method.equals("full") || method.equals("last-layer")) {
            bytes += params * 12;
        } else {
            long perLayer = (long) rank * (4 * (hidden + hidden) + 3 * (hidden + c.intermediateSize));
            bytes += perLayer * layers * 16;
        }
        long positions = (long) batch * maxLength;
        long perPosition = layers * (16 * hidden + 3L * c.intermediateSize + (long) c.numAttentionHeads * maxLength);
        bytes += positions * perPosition * 4;
        bytes += Math.min(positions, 4096) * (long) c.vocabSize * 4 * 2;
        return bytes;
    }

    /** The parameters a Llama config describes: embeddings (and an untied head), attention, MLP and norms. */
    static long parameters(LlamaConfig c) {
        long hidden = c.hiddenSize;
        long q = (long) c.numAttentionHeads * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long perLayer = hidden * q + 2 * hidden * kv + q * hidden + 3 * hidden * c.intermediateSize + 2 * hidden;
        long embeddings = (long) c.vocabSize * hidden * (c.tieWordEmbeddings ? 1 : 2);
        return embeddings + perLayer * c.numHiddenLayers + hidden;
    }

    /** What this machine has: its physical memory, or the JVM's own view when that is unknown. */
    static long machineBytes() {
        try {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through
        }
        return Runtime.getRuntime().maxMemory() * 4;
    }
}
