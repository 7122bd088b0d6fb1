package ai.hybridchat.tuning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Projection;
import ai.hybridchat.core.model.Scalars;

/** Mean next-token cross-entropy over the positions the mask keeps. */
public final class CrossEntropy {
    /**
     * The most bytes of logits {@link #nextToken} makes at once: below glibc's largest mmap
     * threshold (32 MiB), so the allocator reuses freed blocks instead of mapping, faulting in and
     * zeroing fresh pages for every one (at a 49,152-token vocabulary, batch 8 x 256, the logits,
     * their log-softmax and both gradients are 400 MB each).
     */
    static final long BLOCK_BYTES = 16L << 20;

    private CrossEntropy() {
    }

    /** {@code logits [B, T, V]}, {@code targets [B, T]} int64, {@code mask [B, T]} float. */
    public static NDArray masked(NDArray logits, NDArray targets, NDArray mask) {
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1);
        return picked.mul(mask).sum().neg().div(mask.sum().maximum(Scalars.like(mask, 1f)));
    }

    /**
     * The same loss as {@code masked(model.forward(inputIds), targets, mask)}, with the output head
     * and the log-softmax applied to blocks of positions of at most {@link #BLOCK_BYTES} of logits
     * (chunked cross-entropy, as torchtune and Liger do), which is faster on CPU where fresh large
     * blocks cost page faults. {@code inputIds}, {@code targets} int64 {@code [B, T]}, {@code mask}
     * float {@code [B, T]}.
     */
    public static NDArray nextToken(LlamaModel model, NDArray inputIds, NDArray targets, NDArray mask) {
        NDArray flatMask = mask.reshape(-1);
        return tokenLogProbs(model, inputIds, targets).mul(flatMask).sum().neg()
                .div(flatMask.sum().maximum(Scalars.like(flatMask, 1f)));
    }

    /**
     * The least probability the model gives any target the mask keeps, in {@code batch}: above
     * 0.5 for every target of every example, greedy decoding reproduces each example's completion
     * token for token (each target is then the most likely token after the ones before it).
     */
    public static LeastTarget leastTargetProbability(LlamaModel model, TokenBatch batch, NDManager manager) {
        NDArray logProbs = tokenLogProbs(model, batch.inputArray(manager), batch.targetArray(manager));
        float[] lp = logProbs.toFloatArray();
        double least = 1;
        int at = -1;
        for (int i = 0; i < lp.length; i++) {
            if (batch.mask()[i] > 0 && Math.exp(lp[i]) < least) {
                least = Math.exp(lp[i]);
                at = i;
            }
        }
        return new LeastTarget(least, at < 0 ? -1 : at / batch.length(), at < 0 ? -1 : at % batch.length(),
                at < 0 ? -1 : batch.targets()[at]);
    }

    /** The least likely kept target of a batch: its probability, row, position and token id (-1s when none is kept). */
    public record LeastTarget(double probability, int row, int position, long token) {
    }

    /**
     * Each row's log-probability of its targets where the mask keeps them, {@code [B]}: the
     * sequence log-likelihood of a completion, what preference methods compare.
     */
    public static NDArray sequenceLogProbs(LlamaModel model, NDArray inputIds, NDArray targets, NDArray mask) {
        return tokenLogProbs(model, inputIds, targets).reshape(mask.getShape()).mul(mask).sum(new int[] {1});
    }

    /** {@code log p(target)} at every position, flattened to {@code [B * T]}, computed in blocks. */
    private static NDArray tokenLogProbs(LlamaModel model, NDArray inputIds, NDArray targets) {
        return tokenLogProbsFromHidden(model, model.textHiddenStates(inputIds, null), targets);
    }

    /**
     * {@code log p(target)} at every position from final hidden states {@code [B, T, hidden]}
     * already computed (as PPO needs them for its value head too), flattened to {@code [B * T]}.
     */
    public static NDArray tokenLogProbsFromHidden(LlamaModel model, NDArray hidden, NDArray targets) {
        long positions = hidden.getShape().get(0) * hidden.getShape().get(1);
        long vocab = model.config().vocabSize;
        long rows = Math.max(1, BLOCK_BYTES / (vocab * Float.BYTES));
        NDArray flatHidden = hidden.reshape(positions, hidden.getShape().get(2));
        NDArray flatTargets = targets.reshape(positions, 1);
        Projection head = model.outputHead(hidden.getManager());
        if (rows >= positions) {
            return head.forward(flatHidden).logSoftmax(-1).gather(flatTargets, -1).reshape(positions);
        }
        long[] cuts = new long[(int) ((positions - 1) / rows)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * rows;
        }
        NDList hiddenBlocks = flatHidden.split(cuts, 0);
        NDList targetBlocks = flatTargets.split(cuts, 0);
        NDList picked = new NDList(hiddenBlocks.size());
        for (int i = 0; i < hiddenBlocks.size(); i++) {
            picked.add(head.forward(hiddenBlocks.get(i)).logSoftmax(-1).gather(targetBlocks.get(i), -1));
        }
        return NDArrays.concat(picked, 0).reshape(positions);
    }
}
