package ai.hybridchat.core;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How long a chat turn took, in milliseconds: finding the passages (0 when none were looked up),
 * generating the answer, the whole turn, and the time from the turn's start to the first piece
 * of answer text handed to the client (time to first token; the whole turn when the answer came
 * in one piece). In this order in every reply.
 */
@JsonPropertyOrder({"retrievalMs", "generationMs", "totalMs", "firstTokenMs"})
public record Timings(long retrievalMs, long generationMs, long totalMs, long firstTokenMs) {
    public static final Timings NONE = new Timings(0, 0, 0, 0);

    public Timings {
        if (retrievalMs < 0 || generationMs < 0 || totalMs < 0 || firstTokenMs < 0) {
            throw new IllegalArgumentException("a duration is negative: " + retrievalMs + ", " + generationMs + ", " + totalMs
                    + ", " + firstTokenMs);
        }
    }

    /** A turn whose answer reached the client whole, at its end. */
    public Timings(long retrievalMs, long generationMs, long totalMs) {
        this(retrievalMs, generationMs, totalMs, totalMs);
    }
}
