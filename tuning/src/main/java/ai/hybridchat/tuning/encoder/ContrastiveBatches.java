package ai.hybridchat.tuning.encoder;

import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.tuning.train.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Pairs as batches for in-batch-negative training: a batch of {@code n} pairs is one
 * {@link TokenBatch} of {@code groups x n} rows (the queries, then their positives, then, with hard
 * negatives, those), padded to the longest row, the mask marking real tokens. No text appears
 * twice in a batch (sentence-transformers' {@code NoDuplicatesDataLoader}): a passage that answers
 * two queries of one batch would be the other's negative.
 */
final class ContrastiveBatches {
    private final SentenceEncoder encoder;
    private final int maxLength;
    private final int groups;

    ContrastiveBatches(SentenceEncoder encoder, int maxLength, boolean negatives) {
        this.encoder = encoder;
        this.maxLength = maxLength;
        this.groups = negatives ? 3 : 2;
    }

    int groups() {
        return groups;
    }

    /** One epoch: the pairs shuffled with {@code random}, cut into batches of up to {@code size} without repeated texts. */
    List<TokenBatch> epoch(List<TextPair> pairs, int size, Random random) {
        List<TextPair> queue = new ArrayList<>(pairs);
        Collections.shuffle(queue, random);
        List<TokenBatch> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            List<TextPair> batch = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (var it = queue.iterator(); it.hasNext() && batch.size() < size; ) {
                TextPair p = it.next();
                List<String> texts = texts(p);
                if (texts.stream().noneMatch(seen::contains)) {
                    seen.addAll(texts);
                    batch.add(p);
                    it.remove();
                }
            }
            out.add(batch(batch));
        }
        return out;
    }

    private List<String> texts(TextPair p) {
        return groups == 3 ? List.of(p.query(), p.positive(), p.negative()) : List.of(p.query(), p.positive());
    }

    TokenBatch batch(List<TextPair> pairs) {
        List<long[]> rows = new ArrayList<>();
        pairs.forEach(p -> rows.add(ids(p.query())));
        pairs.forEach(p -> rows.add(ids(p.positive())));
        if (groups == 3) {
            pairs.forEach(p -> rows.add(ids(p.negative())));
        }
        int t = rows.stream().mapToInt(r -> r.length).max().orElse(1);
        long[] inputs = new long[rows.size() * t];
        float[] mask = new float[inputs.length];
        long pad = encoder.model().config().padTokenId;
        for (int r = 0; r < rows.size(); r++) {
            long[] row = rows.get(r);
            System.arraycopy(row, 0, inputs, r * t, row.length);
            Arrays.fill(inputs, r * t + row.length, (r + 1) * t, pad);
            Arrays.fill(mask, r * t, r * t + row.length, 1f);
        }
        return new TokenBatch(inputs, new long[inputs.length], mask, rows.size(), t);
    }

    /** A text's ids, cut to {@code maxLength} with its final {@code [SEP]} kept. */
    private long[] ids(String text) {
        long[] ids = encoder.tokenIds(text);
        if (ids.length > maxLength) {
            long sep = ids[ids.length - 1];
            ids = Arrays.copyOf(ids, maxLength);
            ids[maxLength - 1] = sep;
        }
        return ids;
    }
}
