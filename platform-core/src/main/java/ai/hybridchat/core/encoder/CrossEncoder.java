package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.LoraLinear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A cross-encoder (Nogueira and Cho, 2019): question and candidate read together by a pretrained
 * BERT, {@code [CLS] question [SEP] candidate [SEP]}, so every question word attends to every
 * candidate word, and a linear head on the mean of the token vectors gives one relevance score.
 * Fine-tuned by LoRA on the encoder's projections (the pretrained weights stay as they are, so the
 * trained part is small enough to ship) plus the head.
 */
public final class CrossEncoder implements AutoCloseable {
    private final SentenceEncoder encoder;
    private final NDArray headWeight;
    private final NDArray headBias;
    private final List<LoraLinear> loras = new ArrayList<>();

    private CrossEncoder(SentenceEncoder encoder, NDArray headWeight, NDArray headBias) {
        this.encoder = encoder;
        this.headWeight = headWeight;
        this.headBias = headBias;
    }

    /**
     * A new cross-encoder on {@code encoder}: LoRA of rank {@code rank} on every projection whose
     * name ends with one of {@code targets} (PEFT's suffix rule: "dense" is all three dense layers),
     * B at zero and the head at zero, so it starts by scoring every candidate alike.
     */
    public static CrossEncoder untrained(SentenceEncoder encoder, List<String> targets, int rank, double alpha, long seed) {
        NDManager m = encoder.model().manager();
        int h = encoder.model().config().hiddenSize;
        CrossEncoder c = new CrossEncoder(encoder, m.zeros(new Shape(h)), m.zeros(new Shape(1)));
        Random random = new Random(seed);
        for (EncoderLayer layer : encoder.model().layers()) {
            for (String name : EncoderLayer.PROJECTIONS) {
                if (targets.stream().noneMatch(t -> name.equals(t) || name.endsWith("." + t))) {
                    continue;
                }
                LoraLinear lora = LoraLinear.initialised(layer.projection(name), rank, alpha, 0f, random, m);
                layer.replace(name, lora);
                c.loras.add(lora);
            }
        }
        if (c.loras.isEmpty()) {
            throw new IllegalArgumentException("no encoder projection matches " + targets + " (choose from query, key, value, dense)");
        }
        return c;
    }

    /** The arrays that train: every LoRA A and B, and the head. */
    public List<NDArray> trainables() {
        List<NDArray> out = new ArrayList<>();
        for (LoraLinear l : loras) {
            out.add(l.loraA());
            out.add(l.loraB());
        }
        out.add(headWeight);
        out.add(headBias);
        return out;
    }

    /** Relevance scores {@code [N]} of {@code candidates} for {@code question}, in {@code manager} (gradients flow when recording). */
    public NDArray scores(String question, List<String> candidates, NDManager manager) {
        List<SentenceEncoder.PairIds> pairs = new ArrayList<>();
        for (String c : candidates) {
            pairs.add(encoder.pairIds(question, c));
        }
        int t = pairs.stream().mapToInt(p -> p.ids().length).max().orElse(2);
        int n = pairs.size();
        long[] ids = new long[n * t];
        long[] types = new long[n * t];
        long[] mask = new long[n * t];
        for (int i = 0; i < n; i++) {
            SentenceEncoder.PairIds p = pairs.get(i);
            System.arraycopy(p.ids(), 0, ids, i * t, p.ids().length);
            System.arraycopy(p.typeIds(), 0, types, i * t, p.typeIds().length);
            Arrays.fill(mask, i * t, i * t + p.ids().length, 1);
        }
        Shape shape = new Shape(n, t);
        NDArray m = manager.create(mask, shape);
        NDArray hidden = encoder.model().forward(manager.create(ids, shape), manager.create(types, shape), m);
        NDArray pooled = Pooling.MEAN.pool(hidden, m);
        return pooled.matMul(headWeight).add(headBias);
    }

    /** The same, as numbers, without gradients. */
    public double[] score(String question, List<String> candidates) {
        if (candidates.isEmpty()) {
            return new double[0];
        }
        try (NDManager step = encoder.model().manager().newSubManager()) {
            float[] s = scores(question, candidates, step).toFloatArray();
            double[] out = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = s[i];
            }
            return out;
        }
    }

    public List<LoraLinear> loras() {
        return List.copyOf(loras);
    }

    public NDArray headWeight() {
        return headWeight;
    }

    public NDArray headBias() {
        return headBias;
    }

    public SentenceEncoder encoder() {
        return encoder;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
