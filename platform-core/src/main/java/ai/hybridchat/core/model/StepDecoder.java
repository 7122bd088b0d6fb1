package ai.hybridchat.core.model;

/**
 * Decodes one token at a time after a libtorch prefill, outside libtorch: the seam through which
 * {@link Generator} uses a faster batch-1 path ({@code core.decode.FastDecoder}) without this
 * package depending on it.
 */
@FunctionalInterface
public interface StepDecoder {
    /** A session continuing {@code cache} (filled by the prefill), or null when it cannot compute {@code model} exactly. */
    Session start(LlamaModel model, KvCache cache);

    /** One request's decoding: each call feeds a token at the cache's next position and returns the next-token logits. */
    @FunctionalInterface
    interface Session {
        float[] step(int token);
    }
}
