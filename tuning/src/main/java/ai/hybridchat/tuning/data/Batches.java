package ai.hybridchat.tuning.data;

import ai.hybridchat.tuning.train.TokenBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Epoch-shuffled mini-batches with length bucketing: each window of a few batches is sorted by
 * length, so a batch pads to its own longest sequence rather than to the maximum length.
 */
public final class Batches {
    private final List<ChatEncoder.Encoded> examples;
    private final int batchSize;
    private final long padId;
    private final Random random;
    private final List<List<Integer>> plan = new ArrayList<>();

    public Batches(List<ChatEncoder.Encoded> examples, int batchSize, long padId, long seed) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no examples fit the maximum length");
        }
        this.examples = examples;
        this.batchSize = Math.min(batchSize, examples.size());
        this.padId = padId;
        this.random = new Random(seed);
    }

    public int batchesPerEpoch() {
        return (examples.size() + batchSize - 1) / batchSize;
    }

    /** The {@code i}-th batch of the run; epochs are planned lazily and deterministically. */
    public TokenBatch get(int i) {
        while (plan.size() <= i) {
            planEpoch();
        }
        List<ChatEncoder.Encoded> rows = new ArrayList<>();
        int longest = 0;
        for (int idx : plan.get(i)) {
            rows.add(examples.get(idx));
            longest = Math.max(longest, examples.get(idx).length() - 1);
        }
        return ChatEncoder.batch(rows, longest, padId);
    }

    private void planEpoch() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int window = batchSize * 8;
        List<List<Integer>> epoch = new ArrayList<>();
        for (int w = 0; w < order.size(); w += window) {
            List<Integer> chunk = new ArrayList<>(order.subList(w, Math.min(order.size(), w + window)));
            chunk.sort(Comparator.comparingInt(idx -> examples.get(idx).length()));
            for (int b = 0; b < chunk.size(); b += batchSize) {
                epoch.add(chunk.subList(b, Math.min(chunk.size(), b + batchSize)));
            }
        }
        Collections.shuffle(epoch, random);
        plan.addAll(epoch);
    }

    /** Fixed batches in order, for validation. */
    public static List<TokenBatch> inOrder(List<ChatEncoder.Encoded> examples, int batchSize, long padId) {
        List<TokenBatch> out = new ArrayList<>();
        for (int b = 0; b < examples.size(); b += batchSize) {
            List<ChatEncoder.Encoded> rows = examples.subList(b, Math.min(examples.size(), b + batchSize));
            int longest = rows.stream().mapToInt(e -> e.length() - 1).max().orElse(1);
            out.add(ChatEncoder.batch(rows, longest, padId));
        }
        return out;
    }
}
