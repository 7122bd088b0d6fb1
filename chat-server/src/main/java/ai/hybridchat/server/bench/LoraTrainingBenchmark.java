package ai.hybridchat.server.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.server.bench.GenerationBenchmark.ModelShape;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.CrossEntropy;
import ai.hybridchat.tuning.train.LearningRateSchedule;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * LoRA training throughput through the real {@link TrainingLoop} (forward, masked cross-entropy,
 * backward, clipped AdamW step): random F32 weights of a shape, LoRA rank r with alpha 2r on
 * {@code q_proj} and {@code v_proj}, a fixed batch of random tokens. Steps after the warm-up are
 * timed between the loop's own step reports.
 */
public final class LoraTrainingBenchmark {
    public record Result(ModelShape shape, long parameters, long trainable, double tokensPerSecond, double flopsPerToken) {
    }

    private LoraTrainingBenchmark() {
    }

    public static Result run(ModelShape shape, int batch, int length, int rank, int warmup, int steps) {
        try (NDManager manager = NDManager.newBaseManager();
             LlamaModel model = LlamaModel.randomInit(shape.config(length + 8), 1, manager)) {
            List<LoraLinear> loras = LoraInjector.inject(model, List.of("q_proj", "v_proj"), rank, 2.0 * rank, 0.0, 1,
                    model.manager());
            List<NDArray> params = LoraInjector.startTraining(loras);
            Random random = new Random(3);
            long[] ids = new long[batch * (length + 1)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(shape.vocab());
            }
            long[] inputs = new long[batch * length];
            long[] targets = new long[batch * length];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(ids, b * (length + 1), inputs, b * length, length);
                System.arraycopy(ids, b * (length + 1) + 1, targets, b * length, length);
            }
            float[] mask = new float[batch * length];
            Arrays.fill(mask, 1f);
            TokenBatch tokens = new TokenBatch(inputs, targets, mask, batch, length);
            long[] stamps = new long[warmup + steps];
            TrainingLoop loop = new TrainingLoop(params, (b, m) -> CrossEntropy.nextToken(
                    model, b.inputArray(m), b.targetArray(m), b.maskArray(m)),
                    new LearningRateSchedule(1e-3, 0, warmup + steps, 0.1), 0.0, 1);
            loop.run(i -> tokens, null, 0, r -> stamps[r.step() - 1] = System.nanoTime(), null);
            double seconds = (stamps[warmup + steps - 1] - stamps[warmup - 1]) / 1e9;
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            return new Result(shape, model.parameterCount(), trainable, (double) steps * batch * length / seconds,
                    flopsPerToken(shape, length, rank));
        }
    }

    /**
     * Model FLOPs of one trained token with a frozen base: the forward pass (2 per weight of every
     * projection and the output head, plus attention's QK^T and AV over the whole row, as both
     * sides compute them) and the backward pass to the activations (as much again for the
     * weights, twice the forward for attention). Frozen weights get no gradient, so this is
     * 4N + 3A rather than full training's 6N + 3A; the LoRA matrices add their own 6 per weight.
     */
    public static double flopsPerToken(ModelShape s, int length, int rank) {
        long headDim = s.hidden() / s.heads();
        long q = s.heads() * headDim;
        long kv = s.kvHeads() * headDim;
        long perLayer = s.hidden() * q * 2 + s.hidden() * kv * 2 + 3L * s.hidden() * s.intermediate();
        long weights = s.layers() * perLayer + (long) s.vocab() * s.hidden();
        double attention = 4.0 * length * q * s.layers();
        double lora = 6.0 * rank * ((s.hidden() + q) + (s.hidden() + kv)) * s.layers();
        return 4.0 * weights + 3 * attention + lora;
    }
}
