package ai.hybridchat.core;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How long a chat turn took, in milliseconds: finding the passages (0 when none were looked up),
 * generating the answer, and the whole turn. In this order in every reply.
 */
@JsonPropertyOrder({"retrievalMs", "generationMs", "totalMs"})
public record Timings(long retrievalMs, long generationMs, long totalMs) {
    public static final Timings NONE = new Timings(0, 0, 0);

    public Timings {
        if (retrievalMs < 0 || generationMs < 0 || totalMs < 0) {
            throw new IllegalArgumentException("a duration is negative: " + retrievalMs + ", " + generationMs + ", " + totalMs);
        }
    }
}
