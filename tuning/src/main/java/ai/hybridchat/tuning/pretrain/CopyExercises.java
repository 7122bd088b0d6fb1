package ai.hybridchat.tuning.pretrain;

import ai.hybridchat.tuning.train.TokenBatch;
import java.util.Random;

/**
 * Rows that teach a small model to copy: a span of tokens, then the same span again, trained
 * only on the repeat. Predicting a repeat is what grows induction heads (Olsson et al., 2022),
 * the circuit that lets a model copy a fact out of a passage it reads. One row in four is random
 * tokens from the whole vocabulary, where nothing but copying helps and the circuit forms in a
 * few hundred steps; the rest are windows of the corpus, so the model also learns to prefer
 * copying over its language-model guess on real text (measured on the demo model: random-token
 * copying alone did not transfer to text; with text rows the copy loss fell from 3.8 to 0.01
 * after a sudden drop between steps 250 and 350).
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
        int half = length / 2;
        for (int b = 0; b < count; b++) {
            long[] row = new long[length + 1];
            boolean randomTokens = made++ % 4 == 0;
            int start = random.nextInt(Math.max(1, streamEnd - half));
            for (int k = 0; k < half; k++) {
                row[k] = randomTokens ? firstId + random.nextInt(vocab - firstId) : stream[start + k];
            }
            for (int k = half; k <= length; k++) {
                row[k] = row[k - half];
            }
            for (int k = 0; k < length; k++) {
                inputs[b * length + k] = row[k];
                targets[b * length + k] = row[k + 1];
                // the first token of the repeat cannot be known; every later one can be copied
                mask[b * length + k] = k >= half ? 1f : 0f;
            }
        }
        return new TokenBatch(inputs, targets, mask, count, length);
    }
}
