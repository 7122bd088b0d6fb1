package ai.hybridchat.tuning.encoder;

import ai.hybridchat.core.encoder.PaddedIds;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.tuning.train.TokenBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
    private final Map<String, long[]> tokenized = new HashMap<>();

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
        List<TokenBatch> out = new ArrayList<>();
        for (List<TextPair> batch : group(pairs, size, random, groups == 3)) {
            out.add(batch(batch));
        }
        return out;
    }

    /**
     * The grouping of {@link #epoch}. Without hard negatives a batch of one pair is dropped: its
     * query has no candidate but its own positive, so its loss is 0 and it would count as a step of
     * the schedule while teaching nothing. They arise at an epoch's end when the last pairs left
     * share a query (a question with several relevant passages). Which pairs are left over changes
     * with each epoch's shuffle.
     */
    static List<List<TextPair>> group(List<TextPair> pairs, int size, Random random, boolean negatives) {
        List<TextPair> queue = new ArrayList<>(pairs);
        Collections.shuffle(queue, random);
        List<List<TextPair>> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            List<TextPair> batch = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (var it = queue.iterator(); it.hasNext() && batch.size() < size; ) {
                TextPair p = it.next();
                List<String> texts = texts(p, negatives);
                if (texts.stream().noneMatch(seen::contains)) {
                    seen.addAll(texts);
                    batch.add(p);
                    it.remove();
                }
            }
            if (negatives || batch.size() > 1) {
                out.add(batch);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the pairs give no batch with a negative: without hard negatives, "
                    + "in-batch negatives need at least two pairs with different queries and passages");
        }
        return out;
    }

    private static List<String> texts(TextPair p, boolean negatives) {
        return negatives ? List.of(p.query(), p.positive(), p.negative()) : List.of(p.query(), p.positive());
    }

    TokenBatch batch(List<TextPair> pairs) {
        List<long[]> rows = new ArrayList<>();
        pairs.forEach(p -> rows.add(ids(p.query())));
        pairs.forEach(p -> rows.add(ids(p.positive())));
        if (groups == 3) {
            pairs.forEach(p -> rows.add(ids(p.negative())));
        }
        PaddedIds padded = PaddedIds.of(rows, null, encoder.model().config().padTokenId);
        return new TokenBatch(padded.ids(), new long[padded.ids().length], padded.floatMask(), padded.rows(), padded.length());
    }

    /** A text's ids, cut to {@code maxLength}, tokenized once however many epochs read it. */
    private long[] ids(String text) {
        return tokenized.computeIfAbsent(text, t -> encoder.tokenIds(t, maxLength));
    }
}
