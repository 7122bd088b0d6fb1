package ai.hybridchat.tuning.pretrain;

import ai.hybridchat.tuning.train.TokenBatch;
import java.util.Random;

/**
 * Rows that teach a small model to copy: a span of tokens, then the same span again, trained
 * only on the repeat. Predicting a repeat is what grows induction heads (Olsson et al., 2022),
 * the circuit that lets a model copy a fact out of a passage it reads. One row in four is random
 * tokens from the whole vocabulary, where nothing but copying helps and the circuit forms in a
 * few hundred steps; the rest are windows of the corpus, so the model also learns to prefer
 * copying over its language-model guess on real text.
 *
 * <p>The span length varies from row to row, and the row goes on with ordinary text after the
 * repeat. With a fixed length a model can score perfectly by attending a fixed distance back
 * (RoPE makes that easy) without matching content at all: runs with fixed halves reached a copy
 * loss of 0.005 that fell back to 3.5 as soon as the probe used another span length. Only a
 * content-matching (induction) head copies at every offset, as reading a passage needs.
 */
final class CopyExercises {
    private final long[] stream;
    private final int streamEnd;
    private final int firstId;
    private final int vocab;
    private final Random random;
    private long made;

    /**
     * @param stream    the tokenised corpus; windows are taken from {@code [0, streamEnd)}
     * @param firstId   the first id that is not a special token
     * @param vocab     the vocabulary size
     */
    CopyExercises(long[] stream, int streamEnd, int firstId, int vocab, long seed) {
        this.stream = stream;
        this.streamEnd = streamEnd;
        this.firstId = firstId;
        this.vocab = vocab;
        this.random = new Random(seed);
    }

    TokenBatch rows(int count, int length) {
        long[] inputs = new long[count * length];
        long[] targets = new long[count * length];
        float[] mask = new float[count * length];
        int minSpan = Math.max(2, length / 8);
        for (int b = 0; b < count; b++) {
            long[] row = new long[length + 1];
            boolean randomTokens = made++ % 4 == 0;
            int span = minSpan + random.nextInt(Math.max(1, length / 2 - minSpan + 1));
            int start = random.nextInt(Math.max(1, streamEnd - length - 1));
            for (int k = 0; k < span; k++) {
                row[k] = randomTokens ? firstId + random.nextInt(vocab - firstId) : stream[start + k];
            }
            for (int k = span; k < 2 * span; k++) {
                row[k] = row[k - span];
            }
            // after the repeat the text simply goes on (untrained), so the row has no telltale end
            for (int k = 2 * span; k <= length; k++) {
                row[k] = stream[start + k - span];
            }
            for (int k = 0; k < length; k++) {
                inputs[b * length + k] = row[k];
                targets[b * length + k] = row[k + 1];
                // the first token of the repeat cannot be known; every later one can be copied
                mask[b * length + k] = k >= span && k < 2 * span - 1 ? 1f : 0f;
            }
        }
        return new TokenBatch(inputs, targets, mask, count, length);
    }
}
