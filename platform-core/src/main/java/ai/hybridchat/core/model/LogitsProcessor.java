package ai.hybridchat.core.model;

import java.util.List;

/**
 * Changes one decoding step's next-token logits, given the tokens generated so far, before the
 * sampler draws: the seam Hugging Face's {@code LogitsProcessor} is in {@code generate}. The
 * {@link CopyPointer} is one; the sampler's own penalties and biases stay in {@link Sampler}.
 */
@FunctionalInterface
public interface LogitsProcessor {
    /** The processed logits (may be {@code logits} changed in place, or a new array). */
    float[] process(float[] logits, List<Long> generated);
}
